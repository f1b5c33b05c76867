"""Report builds: requested by organisers or the CLI, run once by a worker, re-driven if lost.

A request records a queued ``ReportBuild`` in its own transaction and queues
``eventhub.reports.build`` after the commit. At most one build per fiscal year is queued or
running (a partial unique index): a second request joins the first. A worker claims the build
with one conditional UPDATE that bumps ``attempt``; every later write of that worker names the
attempt, so a worker that was presumed dead and replaced cannot overwrite its successor. The
files and the ``done`` status are stored in one transaction: a build is complete or absent.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from hashlib import sha256
from pathlib import Path

import sqlalchemy as sa

from eventhub import counters, reconcile
from eventhub.db import rowcount, utcnow
from eventhub.errors import DomainError, not_found
from eventhub.extensions import db
from eventhub.reports import outputs
from eventhub.reports.models import ACTIVE_BUILD_STATUSES, BuildStatus, ReportBuild, ReportOutput
from eventhub.tasks import enqueue

log = logging.getLogger(__name__)

BUILD_TASK = "eventhub.reports.build"
REDRIVE_TASK = "eventhub.reports.redrive"
#: A build still queued this long after it was queued has lost its task.
QUEUED_STALE = timedelta(minutes=2)
#: A running build whose worker has not reported progress for this long is taken over.
RUNNING_STALE = timedelta(minutes=10)
#: The longest a build whose task keeps getting lost waits between two re-drives.
MAX_REDRIVE_WAIT = timedelta(minutes=30)
#: Builds re-queued per reconciler run.
REDRIVE_BATCH = 100

builds = ReportBuild.__table__


class _TakenOver(Exception):  # noqa: N818 - a signal, not an error shown to anyone
    """Another worker claimed the build after this one was presumed dead."""


def _active(fiscal_year: int) -> ReportBuild | None:
    return db.session.scalars(
        sa.select(ReportBuild).where(
            ReportBuild.fiscal_year == fiscal_year,
            ReportBuild.status.in_(ACTIVE_BUILD_STATUSES),
        )
    ).first()


def request_build(
    fiscal_year: int, user_id: int | None, *, queue: bool = True
) -> tuple[ReportBuild, bool]:
    """The fiscal year's active build, or a new queued one (True); commits.

    ``queue=False`` leaves the running to the caller (the CLI builds in its own process).
    """
    existing = _active(fiscal_year)
    if existing is not None:
        db.session.commit()
        return existing, False
    build = ReportBuild(fiscal_year=fiscal_year, requested_by_id=user_id, queued_at=utcnow())
    db.session.add(build)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Another request created the year's build between our read and our insert.
        db.session.rollback()
        winner = _active(fiscal_year)
        if winner is None:
            raise
        db.session.commit()
        return winner, False
    if queue:
        enqueue(BUILD_TASK, build.id)
    db.session.commit()
    return build, True


def _claim(build_id: int, now: datetime) -> tuple[int, int] | None:
    """(attempt, fiscal year) if this worker may run the build now, else None; commits."""
    row = db.session.execute(
        sa.update(builds)
        .where(
            builds.c.id == build_id,
            sa.or_(
                builds.c.status == BuildStatus.QUEUED,
                sa.and_(
                    builds.c.status == BuildStatus.RUNNING,
                    builds.c.heartbeat_at < now - RUNNING_STALE,
                ),
            ),
        )
        .values(
            status=BuildStatus.RUNNING,
            attempt=builds.c.attempt + 1,
            started_at=now,
            heartbeat_at=now,
            progress_done=0,
            error=None,
        )
        .returning(builds.c.attempt, builds.c.fiscal_year)
    ).first()
    db.session.commit()
    return None if row is None else (int(row[0]), int(row[1]))


def _mine(build_id: int, attempt: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        builds.c.id == build_id,
        builds.c.attempt == attempt,
        builds.c.status == BuildStatus.RUNNING,
    )


def _progress(build_id: int, attempt: int, done: int, total: int) -> None:
    result = db.session.execute(
        sa.update(builds)
        .where(_mine(build_id, attempt))
        .values(progress_done=done, progress_total=total, heartbeat_at=utcnow())
    )
    db.session.commit()
    if rowcount(result) != 1:
        raise _TakenOver


def _finish(build_id: int, attempt: int, produced: outputs.Produced) -> bool:
    now = utcnow()
    result = db.session.execute(
        sa.update(builds)
        .where(_mine(build_id, attempt))
        .values(
            status=BuildStatus.DONE,
            finished_at=now,
            heartbeat_at=now,
            progress_done=builds.c.progress_total,
            omitted=produced.omitted,
        )
    )
    if rowcount(result) != 1:
        db.session.rollback()
        return False
    # A taken-over attempt never got here, but a file of an earlier one must not linger.
    db.session.execute(sa.delete(ReportOutput).where(ReportOutput.build_id == build_id))
    db.session.add_all(
        ReportOutput(
            build_id=build_id,
            name=f.name,
            content_type=f.content_type,
            content=f.content,
            size=len(f.content),
            sha256=sha256(f.content).hexdigest(),
        )
        for f in produced.files
    )
    db.session.commit()
    return True


def _fail(build_id: int, attempt: int, message: str) -> None:
    db.session.rollback()
    db.session.execute(
        sa.update(builds)
        .where(_mine(build_id, attempt))
        .values(status=BuildStatus.FAILED, finished_at=utcnow(), error=message[:2000])
    )
    db.session.commit()


def run_build(
    build_id: int,
    now: datetime | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Build the report if it is queued (or its worker died); True if this call finished it."""
    claimed = _claim(build_id, now or utcnow())
    if claimed is None:
        log.info("report build not claimable: done, failed or running", extra={"build": build_id})
        return False
    attempt, fiscal_year = claimed

    def progress(done: int, total: int) -> None:
        _progress(build_id, attempt, done, total)
        if on_progress is not None:
            on_progress(done, total)

    try:
        produced = outputs.produce(fiscal_year, progress)
    except _TakenOver:
        db.session.rollback()
        log.warning("report build taken over by another worker", extra={"build": build_id})
        return False
    except Exception as exc:
        # Whatever went wrong, the organiser sees a failed build with its reason rather than
        # a build that stays running; the traceback goes to the log.
        log.exception("report build failed", extra={"build": build_id})
        _fail(build_id, attempt, f"{type(exc).__name__}: {exc}")
        counters.REPORT_BUILDS.labels("failed").inc()
        return False
    finished = _finish(build_id, attempt, produced)
    if finished:
        counters.REPORT_BUILDS.labels("done").inc()
    return finished


def redrive_stale(now: datetime | None = None) -> list[int]:
    """Queue again builds whose task was lost or whose worker died; commits.

    A build is re-queued ``QUEUED_STALE`` after it was last queued, then after twice that, and
    so on up to ``MAX_REDRIVE_WAIT``, ``REDRIVE_BATCH`` builds a run.
    """
    now = now or utcnow()
    build = ReportBuild
    backed_off = reconcile.due(build.queued_at, build.redrives, now, QUEUED_STALE, MAX_REDRIVE_WAIT)
    lost = sa.or_(
        sa.and_(build.status == BuildStatus.QUEUED, backed_off),
        sa.and_(
            build.status == BuildStatus.RUNNING,
            build.heartbeat_at < now - RUNNING_STALE,
            # Its worker died: at once, unless the reconciler has re-queued it since the last
            # sign of life (that task was lost too): then with the back-off.
            sa.or_(build.redrives == 0, build.queued_at <= build.heartbeat_at, backed_off),
        ),
    )
    return reconcile.redrive(
        build,
        lost,
        order_by=(build.queued_at, build.id),
        limit=REDRIVE_BATCH,
        values={"queued_at": now, "redrives": build.redrives + 1},
        task=BUILD_TASK,
    )


def get_build(build_id: int) -> ReportBuild:
    build = db.session.get(ReportBuild, build_id)
    if build is None:
        raise not_found("report_build")
    return build


def builds_query(fiscal_year: int | None) -> sa.Select[ReportBuild]:
    query = sa.select(ReportBuild).order_by(ReportBuild.id.desc())
    if fiscal_year is not None:
        query = query.where(ReportBuild.fiscal_year == fiscal_year)
    return query


def published_build(fiscal_year: int) -> ReportBuild | None:
    """The report of a fiscal year that everyone reads: its build published last."""
    return db.session.scalars(
        sa.select(ReportBuild)
        .where(ReportBuild.fiscal_year == fiscal_year, ReportBuild.published_at.is_not(None))
        .order_by(ReportBuild.published_at.desc(), ReportBuild.id.desc())
        .limit(1)
    ).first()


def published_years() -> list[int]:
    """Fiscal years with a published report, newest first."""
    return list(
        db.session.scalars(
            sa.select(ReportBuild.fiscal_year)
            .where(ReportBuild.published_at.is_not(None))
            .group_by(ReportBuild.fiscal_year)
            .order_by(ReportBuild.fiscal_year.desc())
        )
    )


def publish(build: ReportBuild, user_id: int) -> ReportBuild:
    """Make a finished build the public report of its fiscal year (again, if it was before).

    Publishing is what makes a build public: a build nobody published stays the organisers'
    draft, however recent it is.
    """
    if build.status != BuildStatus.DONE:
        raise DomainError("report_not_ready", "report_not_ready", params={"status": build.status})
    build.published_at = utcnow()
    build.published_by_id = user_id
    return build


def unpublish(build: ReportBuild) -> ReportBuild:
    """Take a build back: the fiscal year's public report becomes the one published before."""
    build.published_at = None
    build.published_by_id = None
    return build


def readable_build(build_id: int, organiser: bool) -> ReportBuild:
    """A build the caller may read: any for organisers, else only a published one.

    Anyone else is told it does not exist (404, never 403), so that build ids say nothing.
    """
    build = db.session.get(ReportBuild, build_id)
    if build is None or not (organiser or build.published_at is not None):
        raise not_found("report_build")
    return build


def list_outputs(build_id: int) -> list[ReportOutput]:
    return list(
        db.session.scalars(
            sa.select(ReportOutput)
            .where(ReportOutput.build_id == build_id)
            .order_by(ReportOutput.id)
        )
    )


def public_output(build: ReportBuild, name: str, organiser: bool) -> ReportOutput:
    """A file of a build the caller may read (see ``readable_build``): the organisers'
    appendix is theirs even in a published build."""
    if name in outputs.ORGANISERS_ONLY and not organiser:
        raise not_found("report_file")
    return get_output(build.id, name)


def get_output(build_id: int, name: str) -> ReportOutput:
    output = db.session.scalars(
        sa.select(ReportOutput)
        .where(ReportOutput.build_id == build_id, ReportOutput.name == name)
        .options(sa.orm.undefer(ReportOutput.content))
    ).first()
    if output is None:
        raise not_found("report_file")
    return output


def build_now(
    fiscal_year: int,
    on_progress: Callable[[int, int], None] | None = None,
    wait: timedelta = timedelta(minutes=10),
) -> ReportBuild:
    """Build the report in this process (the CLI), or wait for the worker already on it."""
    build, _ = request_build(fiscal_year, None, queue=False)
    build_id = build.id
    # Claims the build unless a live worker has it; then that worker's result is waited for.
    run_build(build_id, on_progress=on_progress)
    deadline = utcnow() + wait
    while True:
        db.session.expire_all()
        build = get_build(build_id)
        if build.status not in ACTIVE_BUILD_STATUSES or utcnow() > deadline:
            db.session.commit()
            return build
        db.session.commit()
        time.sleep(0.5)


def write_files(build_id: int, folder: Path) -> list[Path]:
    """Write a finished build's files into ``folder``; each appears whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for output in list_outputs(build_id):
        target = folder / output.name
        partial = folder / f".{output.name}.partial"
        partial.write_bytes(output.content)
        os.replace(partial, target)
        written.append(target)
    return written
