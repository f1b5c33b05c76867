"""Waitlist tasks: offer freed places, and expire offers not taken in time."""

from __future__ import annotations

from celery import shared_task

from eventhub.applications import waitlist


@shared_task(name=waitlist.OFFER_TASK)
def offer_places(edition_id: int) -> list[int]:
    return waitlist.offer_places(edition_id)


@shared_task(name=waitlist.EXPIRE_TASK)
def expire_offers() -> list[int]:
    return waitlist.expire_offers()
