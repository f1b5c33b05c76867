"""``flask`` commands: the first organiser, demo data, a worker round trip."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import BinaryIO, TextIO

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from eventhub import demo
from eventhub.accounts import service as accounts
from eventhub.applications import waitlist
from eventhub.calendars import service as calendars
from eventhub.checkin import figures
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.health import service as health
from eventhub.notifications import mailbox
from eventhub.notifications import service as notifications
from eventhub.passes import issuing, signing
from eventhub.privacy import service as privacy
from eventhub.problems import field_entry, title_in
from eventhub.reports import past as past_figures
from eventhub.reports import service as reports
from eventhub.tallies import service as tallies

group = AppGroup("eventhub", help="eventhub administration.")


def _fail(error: DomainError) -> click.ClickException:
    return click.ClickException(f"{title_in(error, 'en')} ({error.code})")


def require_schema() -> None:
    """Stop with what to do when the database has no tables yet, rather than an SQL error."""
    if not sa.inspect(db.engine).has_table("alembic_version"):
        raise click.ClickException(
            "the database has no tables yet: run `eventhub db upgrade` first "
            "(`flask --app wsgi db upgrade` in a source checkout)"
        )


def _password(given: str | None, from_file: TextIO | None) -> str:
    """--password, else the first line of --password-file, else asked twice at a terminal."""
    if given is not None:
        return given
    if from_file is not None:
        return from_file.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError(
            "no terminal to ask for the password: give --password-file (or --password)"
        )
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@group.command("create-organiser")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", help="At least 10 characters; asked for at a terminal when not given.")
@click.option(
    "--password-file",
    type=click.File("r", encoding="utf-8"),
    help="A file whose first line is the password (`-` reads standard input).",
)
def create_organiser(
    email: str, display_name: str, password: str | None, password_file: TextIO | None
) -> None:
    """Create an organiser account (or give an existing account the organiser role)."""
    require_schema()
    password = _password(password, password_file)
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    try:
        user = accounts.create_organiser(email, password, display_name)
    except DomainError as exc:
        raise _fail(exc) from exc
    db.session.commit()
    click.echo(f"organiser {user.email} (id {user.id}) is ready")


@group.command("demo")
@click.option("--email", default=demo.DEMO_EMAIL, show_default=True)
@click.option("--password", default=demo.DEMO_PASSWORD, show_default=True)
def load_demo(email: str, password: str) -> None:
    """Add an organiser and a realistic edition of each series, with timetables (idempotent)."""
    require_schema()
    summary = demo.load(email, password)
    db.session.commit()
    click.echo(summary)


@group.command("mails")
@click.option("--count", "-n", default=5, show_default=True, help="How many, newest first.")
@click.option("--to", help="Only mails to this address.")
def mails(count: int, to: str | None) -> None:
    """List the latest mails kept in the instance folder, with their links (no SMTP_HOST)."""
    config = current_app.config
    if config["SMTP_HOST"]:
        click.echo(f"mail goes to the server SMTP_HOST={config['SMTP_HOST']}; nothing is kept here")
        return
    found = list(mailbox.latest(config["MAIL_DIR"], count, to))
    if not found:
        click.echo(f"no mail in {config['MAIL_DIR']}")
    for mail in found:
        click.echo(f"{mail.date}  to {mail.to}\n  {mail.subject}")
        for link in mail.links:
            click.echo(f"  {link}")
        click.echo(f"  {mail.path}")


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
    """Run the reconcilers once: mail, waitlist offers, pending passes, closing-time exits,
    stale calendar feeds, tallies of editions under way, report builds.

    Beat runs them every minute; on the embedded default (no beat) run this from cron.
    """
    mails = notifications.redrive_pending()
    expired = waitlist.expire_offers()
    passes = issuing.reissue_stale()
    exits = figures.auto_exit_due()
    feeds = calendars.redrive_stale()
    counted = tallies.due()
    builds = reports.redrive_stale()
    click.echo(
        f"mails re-driven: {len(mails)}; waitlist offers expired: {len(expired)}; "
        f"passes re-queued: {len(passes)}; let out at closing: {sum(exits.values())}; "
        f"calendar feeds re-queued: {len(feeds)}; "
        f"editions tallied: {sum(len(ids) for ids in counted.values())}; "
        f"report builds re-queued: {len(builds)}"
    )


@group.command("build-report")
@click.option(
    "--fiscal-year", "fiscal_year", required=True, type=int, help="E.g. 2021 (令和3年度)."
)
@click.option(
    "--out",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files.",
)
def build_report(fiscal_year: int, folder: Path) -> None:
    """Build the fiscal year's results report and write every file into a folder."""
    build = reports.build_now(
        fiscal_year, on_progress=lambda done, total: click.echo(f"{done}/{total}", err=True)
    )
    if build.status != "done":
        raise click.ClickException(f"report build {build.id} {build.status}: {build.error or ''}")
    for path in reports.write_files(build.id, folder):
        click.echo(path)


@group.command("import-past-figures")
@click.argument("csv_file", type=click.File("rb"))
def import_past_figures(csv_file: BinaryIO) -> None:
    """Import entered figures of past editions from CSV (all rows or none; re-runs are safe)."""
    try:
        result = past_figures.import_csv(csv_file.read())
    except DomainError as exc:
        for problem in map(field_entry, exc.errors):
            where = f"row {problem.get('row') or '-'}, {problem.get('column') or '-'}"
            click.echo(f"{where}: {problem['message']}", err=True)
        raise _fail(exc) from exc
    db.session.commit()
    click.echo(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")


@group.command("reencrypt-keys")
def reencrypt_keys() -> None:
    """Re-encrypt every edition's signing keys under the current SECRET_KEY (after changing it,
    with the old one in SECRET_KEY_FALLBACKS). Safe to run again."""
    result = signing.reencrypt_all()
    db.session.commit()
    click.echo(
        f"signing keys re-encrypted: {result.reencrypted}; "
        f"already under SECRET_KEY: {result.current}; unreadable: {len(result.unreadable)}"
    )
    if result.unreadable:
        raise click.ClickException(
            "these keys decrypt under no secret; put the secret that made them back into "
            f"SECRET_KEY_FALLBACKS and run again: {', '.join(result.unreadable)}"
        )


@group.command("purge-attendee-data")
def purge_attendee_data() -> None:
    """Erase the personal data of attendees and exhibitors' staff whose edition ended more
    than EVENTHUB_ATTENDEE_RETENTION_DAYS ago (beat runs this hourly). Safe to run again."""
    days = privacy.retention_days()
    if days is None:
        click.echo("EVENTHUB_ATTENDEE_RETENTION_DAYS is not set: nothing is purged")
        return
    total = 0
    while erased := privacy.purge_expired():
        db.session.commit()
        total += erased
    click.echo(f"attendees and staff erased: {total} (editions ended more than {days} days ago)")


def register(app: Flask) -> None:
    app.cli.add_command(group)
