"""``flask`` commands: the first organiser, demo data, a worker round trip."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup

from eventhub import demo
from eventhub.accounts import service as accounts
from eventhub.applications import waitlist
from eventhub.errors import ApiError
from eventhub.extensions import db
from eventhub.health import service as health
from eventhub.notifications import service as notifications
from eventhub.passes import figures, issuing

group = AppGroup("eventhub", help="eventhub administration.")


def _fail(error: ApiError) -> click.ClickException:
    return click.ClickException(f"{error.title} ({error.error_code})")


@group.command("create-organiser")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.password_option(help="At least 10 characters; prompted for when not given.")
def create_organiser(email: str, display_name: str, password: str) -> None:
    """Create an organiser account (or give an existing account the organiser role)."""
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    try:
        user = accounts.create_organiser(email, password, display_name)
    except ApiError as exc:
        raise _fail(exc) from exc
    db.session.commit()
    click.echo(f"organiser {user.email} (id {user.id}) is ready")


@group.command("demo")
@click.option("--email", default=demo.DEMO_EMAIL, show_default=True)
@click.option("--password", default=demo.DEMO_PASSWORD, show_default=True)
def load_demo(email: str, password: str) -> None:
    """Add an organiser and a realistic edition of each series, with timetables (idempotent)."""
    summary = demo.load(email, password)
    db.session.commit()
    click.echo(summary)


@group.command("heartbeat")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait.")
def heartbeat(timeout: float) -> None:
    """Send a task through the queue and wait for a worker to complete it."""
    beat = health.request_heartbeat()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.refresh(beat)
        if beat.completed_at is not None:
            click.echo(f"completed by {beat.worker_host} pid {beat.worker_pid}")
            return
        time.sleep(0.2)
    raise click.ClickException(f"no worker completed heartbeat {beat.id} in {timeout} s")


@group.command("redrive")
def redrive() -> None:
    """Run the reconcilers once: mail, waitlist offers, pending passes, closing-time exits.

    Beat runs them every minute; on the embedded default (no beat) run this from cron.
    """
    mails = notifications.redrive_pending()
    expired = waitlist.expire_offers()
    passes = issuing.reissue_stale()
    exits = figures.auto_exit_due()
    click.echo(
        f"mails re-driven: {len(mails)}; waitlist offers expired: {len(expired)}; "
        f"passes re-queued: {len(passes)}; let out at closing: {sum(exits.values())}"
    )


def register(app: Flask) -> None:
    app.cli.add_command(group)
