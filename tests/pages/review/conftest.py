"""An open edition with submitted applications, made through the API as exhibitors make them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eventhub.accounts.models import Role
from tests.applications.helpers import make_organisation, open_edition, submitted_application
from tests.conftest import Api


@pytest.fixture
def edition(organiser: Api) -> dict[str, Any]:
    """An open national-zone edition (its form names a recommending prefecture)."""
    return open_edition(organiser, "national-zone")


@pytest.fixture
def apply(exhibitor: Api, edition: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """``apply(name, prefecture=13, recommended_by=13, **fields)``: a submitted application of
    a new organisation of the exhibitor."""
    counter = iter(range(1, 10_000))

    def make(
        name: str | None = None,
        prefecture: int = 13,
        recommended_by: int = 13,
        target: dict[str, Any] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        n = next(counter)
        organisation = make_organisation(
            exhibitor, name=name or f"株式会社審査{n}", prefecture_code=prefecture
        )
        series_fields = {
            "recommending_prefecture_code": recommended_by,
            "prefecture_contact": {
                "name": "県 担当",
                "email": "contact@pref.example.jp",
                "phone": "03-5321-1111",
            },
            "target_buyers": ["百貨店"],
        }
        return submitted_application(
            exhibitor, target or edition, organisation["id"], series_fields=series_fields, **fields
        )

    return make


@pytest.fixture
def reviewer(make_reader: Callable[..., Any]) -> Any:
    return make_reader(Role.REVIEWER)


@pytest.fixture
def organiser_reader(make_reader: Callable[..., Any]) -> Any:
    return make_reader(Role.ORGANISER)
