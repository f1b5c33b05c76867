"""The application lifecycle: draft → submitted → under review → approved / rejected / waitlisted.

Every transition is recorded with who, when, from, to and why. Deadlines are the edition's
application window; the window's instants are absolute, so Tokyo time and UTC agree on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from eventhub import japan
from eventhub.accounts.models import Organisation, Role, User
from eventhub.accounts.service import is_member
from eventhub.applications import waitlist
from eventhub.applications.models import (
    ACTIVE_STATUSES,
    DECIDABLE_FROM,
    EDITABLE_STATUSES,
    HOLDS_PLACE,
    Application,
    ApplicationStatus,
    ApplicationTransition,
)
from eventhub.applications.schemas import REQUIRED_TO_SUBMIT
from eventhub.applications.series import SERIES_FIELDS
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.db import utcnow
from eventhub.errors import (
    DomainError,
    FieldError,
    field_error,
    forbidden,
    invalid,
    not_found,
    validator_error,
)
from eventhub.events.models import Edition, EditionStatus, Series
from eventhub.extensions import db
from eventhub.locking import check_version, commit_versioned
from eventhub.notifications import service as notifications
from eventhub.statuses import http_status

S = ApplicationStatus


def invalid_transition(message: str, **params: Any) -> DomainError:
    return DomainError("invalid_transition", message, params=params)


def _invalid(errors: list[FieldError]) -> DomainError:
    return invalid(*errors)


def _series_errors(messages: Any, prefix: str = "series_fields") -> list[FieldError]:
    out: list[FieldError] = []
    for key, value in messages.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            out.extend(_series_errors(value, name))
        else:
            out.extend(validator_error(name, m) for m in value)
    return out


def _clean_series_fields(
    edition: Edition, raw: dict[str, Any], *, complete: bool
) -> dict[str, Any]:
    """Validate the series' own fields; a draft may leave required ones out."""
    schema = SERIES_FIELDS[edition.series.slug]()
    try:
        cleaned: dict[str, Any] = schema.load(raw, partial=not complete)
    except ma.ValidationError as exc:
        raise _invalid(_series_errors(exc.messages)) from exc
    needs_video = complete and edition.series.slug == "takumi" and edition.format == "online"
    if needs_video and not cleaned.get("video_url"):
        raise field_error("series_fields.video_url", "video_url_needed")
    # JSON columns keep plain JSON: dump back what the schema loaded.
    return dict(schema.dump(cleaned))


def _set_series_fields(
    application: Application, series_fields: dict[str, Any], actor: User | None = None
) -> None:
    before = application.recommending_prefecture_code
    application.series_fields = series_fields
    application.recommending_prefecture_code = series_fields.get("recommending_prefecture_code")
    if application.endorsed_at is not None and application.recommending_prefecture_code != before:
        _drop_endorsement(application, before, actor)


def _prefecture_names(code: int | None) -> tuple[str, str]:
    if code is None:
        return "none", "なし"
    found = japan.prefecture(code)
    return found.romaji, found.name


def _drop_endorsement(application: Application, was: int | None, actor: User | None) -> None:
    """An endorsement is the recommending prefecture's word: naming another prefecture takes
    it away (the new one has given none, and the old one's quota gets its place back). The
    history says so, with the status unchanged."""
    application.endorsed_at = None
    application.endorsed_by_id = None
    old_en, old_ja = _prefecture_names(was)
    new_en, new_ja = _prefecture_names(application.recommending_prefecture_code)
    reason = (
        f"Recommending prefecture changed from {old_en} to {new_en}; the endorsement was"
        f" dropped. / 推薦都道府県が{old_ja}から{new_ja}に変わったため、推薦を取り消しました。"
    )
    _record(application, S(application.status), actor, reason)


def _record(application: Application, to: S, actor: User | None, reason: str | None) -> None:
    # Loading the history must not flush: the row is written once, by the caller's commit,
    # where a lost optimistic-lock race becomes 409.
    with db.session.no_autoflush:
        history = application.transitions
    history.append(
        ApplicationTransition(
            from_status=None if application.status is None else application.status,
            to_status=to,
            actor_id=actor.id if actor else None,
            reason=reason,
        )
    )
    application.status = to


def _window_open(edition: Edition) -> None:
    now = utcnow()
    if edition.status != EditionStatus.OPEN:
        raise DomainError("applications_closed")
    if edition.applications_open_at and now < edition.applications_open_at:
        raise DomainError(
            "applications_not_open_yet",
            opens_at=edition.applications_open_at,
        )
    if edition.applications_close_at and now >= edition.applications_close_at:
        raise DomainError(
            "deadline_passed",
            closed_at=edition.applications_close_at,
        )


def _member_organisation(user: User, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not is_member(user, organisation):
        raise field_error("organisation_id", "not_a_member")
    return organisation


def _one_active(edition_id: int, organisation_id: int, except_id: int | None = None) -> None:
    query = sa.select(Application.id).where(
        Application.edition_id == edition_id,
        Application.organisation_id == organisation_id,
        Application.status.in_(ACTIVE_STATUSES),
    )
    if except_id is not None:
        query = query.where(Application.id != except_id)
    existing = db.session.scalar(query)
    if existing is not None:
        raise DomainError("application_exists", existing_id=existing)


def create_draft(edition: Edition, user: User, data: dict[str, Any]) -> Application:
    _window_open(edition)
    organisation = _member_organisation(user, data.pop("organisation_id"))
    _one_active(edition.id, organisation.id)
    series_fields = _clean_series_fields(edition, data.pop("series_fields", {}), complete=False)
    accept = data.pop("accept_terms", False)
    application = Application(edition=edition, organisation=organisation, **data)
    _set_series_fields(application, series_fields)
    if accept:
        application.terms_accepted_at = utcnow()
    _record(application, S.DRAFT, user, None)
    db.session.add(application)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # A second tab submitted the same organisation's application at the same moment.
        db.session.rollback()
        _one_active(edition.id, organisation.id)
        raise
    return application


def update(
    application: Application, data: dict[str, Any], actor: User | None = None
) -> Application:
    """Edit a draft, or amend a submitted application until its review starts (``actor``, who
    does it, is named in the history if the change drops the endorsement)."""
    check_version(application, data)
    if application.status not in EDITABLE_STATUSES:
        raise DomainError(
            "not_editable", "application_not_editable", params={"status": application.status}
        )
    if application.status == S.SUBMITTED:
        _window_open(application.edition)
    if "series_fields" in data:
        merged = {**application.series_fields, **data.pop("series_fields")}
        _set_series_fields(
            application,
            _clean_series_fields(
                application.edition, merged, complete=application.status == S.SUBMITTED
            ),
            actor,
        )
    if data.pop("accept_terms", False) and application.terms_accepted_at is None:
        application.terms_accepted_at = utcnow()
    for key, value in data.items():
        setattr(application, key, value)
    if application.status == S.SUBMITTED:
        _check_complete(application)
    return application


def _check_complete(application: Application) -> None:
    errors = [
        FieldError(name, "required_to_submit")
        for name in REQUIRED_TO_SUBMIT
        if getattr(application, name) in (None, "")
    ]
    if application.terms_accepted_at is None:
        errors.append(FieldError("accept_terms", "accept_terms"))
    try:
        _clean_series_fields(application.edition, application.series_fields, complete=True)
    except DomainError as error:
        errors.extend(e for e in error.errors if isinstance(e, FieldError))
    if errors:
        raise _invalid(errors)


def submit(application: Application, user: User, data: dict[str, Any]) -> Application:
    check_version(application, data)
    if not user.email_verified:
        # Only an account whose owner proved the address speaks for an organisation.
        raise DomainError("email_not_verified")
    if application.status != S.DRAFT:
        raise invalid_transition("submit_needs_draft")
    _window_open(application.edition)
    _check_complete(application)
    application.submitted_at = utcnow()
    _record(application, S.SUBMITTED, user, None)
    if waitlist.is_full_for(application):
        if not application.edition.waitlist_when_full:
            raise waitlist.edition_full(waitlist.free_units(application.edition), 0)
        _record(application, S.WAITLISTED, None, "The edition is full. / 満員のためキャンセル待ち")
    notifications.notify_application_submitted(application)
    return application


def lock_status(application_id: int) -> str | None:
    """Lock the application's row for the rest of the transaction; its status, read under the
    lock (None if there is no such application).

    For work attached to an application (its documents) that must take turns with the
    application's own changes and see a review that started meanwhile. The lock is a no-op
    UPDATE rather than SELECT … FOR UPDATE: it locks the row on PostgreSQL and takes the
    database's write lock on SQLite, which ignores FOR UPDATE.
    """
    table = Application.__table__
    db.session.execute(
        # Core, not ORM: the row's version and updated_at must not change.
        sa.update(table).where(table.c.id == application_id).values(updated_at=table.c.updated_at)
    )
    return db.session.scalar(sa.select(table.c.status).where(table.c.id == application_id))


#: Called with an application that gives up its place (withdrawn while holding one), in the
#: transaction that withdraws it. Areas that hang things on an application's place register
#: here (booths frees its booths): they depend on applications, so applications calls them
#: through this list rather than importing them, and the dependency runs one way.
PLACE_RELEASED: list[Callable[[Application], None]] = []


def withdraw(application: Application, user: User, data: dict[str, Any]) -> Application:
    check_version(application, data)
    if application.status not in ACTIVE_STATUSES:
        raise invalid_transition("withdraw_refused", status=application.status)
    if utcnow() >= application.edition.starts_at:
        raise DomainError("edition_started")
    held_place = application.status in HOLDS_PLACE
    _record(application, S.WITHDRAWN, user, data.get("reason"))
    if held_place:
        # What hangs on its place goes (its booths back to the floor plan), and its units go
        # to the waitlist.
        for release in PLACE_RELEASED:
            release(application)
        waitlist.place_freed(application.edition_id)
    return application


def start_review(application: Application, user: User, data: dict[str, Any]) -> Application:
    check_version(application, data)
    if application.status != S.SUBMITTED:
        raise invalid_transition("review_needs_submitted")
    _record(application, S.UNDER_REVIEW, user, data.get("reason"))
    return application


def check_impartial(application: Application, user: User) -> None:
    """Refuse ``user`` a say on an application of an organisation they belong to: a reviewer
    or prefecture contact who is also the applicant must leave the decision to someone else."""
    if is_member(user, application.organisation):
        raise DomainError("conflict_of_interest")


def decide(application: Application, user: User, data: dict[str, Any]) -> Application:
    """Approve, reject or waitlist; the version makes two reviewers' decisions exclusive."""
    check_impartial(application, user)
    check_version(application, data)
    if application.status not in DECIDABLE_FROM:
        raise invalid_transition("decide_refused", status=application.status)
    if data["decision"] == S.APPROVED:
        waitlist.check_room(application)
    audit.record(
        Action.APPLICATION_DECIDED,
        target=("application", application.id),
        edition_id=application.edition_id,
        details={"from": str(application.status), "to": data["decision"]},
    )
    application.decided_at = utcnow()
    application.decision_reason = data.get("reason")
    _record(application, S(data["decision"]), user, data.get("reason"))
    notifications.notify_application_decided(application)
    return application


def accept_offer(application: Application, user: User, data: dict[str, Any]) -> Application:
    """Take the place a waitlisted application was offered."""
    check_version(application, data)
    waitlist.check_offer_open(application)
    application.offer_expires_at = None
    application.decided_at = utcnow()
    _record(application, S.APPROVED, user, "offer accepted")
    notifications.notify_application_decided(application)
    return application


# Reading ------------------------------------------------------------------------------------


def _reviews(user: User) -> bool:
    return user.has_role(Role.ORGANISER, Role.REVIEWER)


def visible(user: User, application_id: int) -> Application:
    """The application if ``user`` may see it: its organisation's members, organisers,
    reviewers, and the contact of the prefecture that recommends it."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise not_found("application")
    recommended = application.recommending_prefecture_code
    # Never submitted (a draft, or withdrawn as one) stays the organisation's own.
    submitted = application.submitted_at is not None
    if not (
        (_reviews(user) and submitted)
        or is_member(user, application.organisation)
        or (submitted and recommended in user.contact_prefectures())
    ):
        raise not_found("application")
    return application


def own(user: User, application_id: int) -> Application:
    application = visible(user, application_id)
    if not is_member(user, application.organisation):
        raise forbidden("application_forbidden")
    return application


def query(user: User, args: dict[str, Any]) -> sa.Select[Any]:
    stmt = sa.select(Application).join(Application.organisation)
    member_of = [m.organisation_id for m in user.memberships]
    if not _reviews(user):
        # Members see their own; a prefecture contact also sees what names its prefecture.
        stmt = stmt.where(
            sa.or_(
                Application.organisation_id.in_(member_of),
                sa.and_(
                    Application.submitted_at.is_not(None),
                    Application.recommending_prefecture_code.in_(user.contact_prefectures()),
                ),
            )
        )
    else:
        # Reviewers never see other organisations' applications that were never submitted.
        stmt = stmt.where(
            sa.or_(
                Application.submitted_at.is_not(None),
                Application.organisation_id.in_(member_of),
            )
        )
    if "edition_id" in args:
        stmt = stmt.where(Application.edition_id == args["edition_id"])
    if args.get("series"):
        stmt = (
            stmt.join(Application.edition).join(Edition.series).where(Series.slug == args["series"])
        )
    for key in ("status", "industry_category"):
        if key in args:
            stmt = stmt.where(getattr(Application, key) == args[key])
    if "prefecture_code" in args:
        stmt = stmt.where(Organisation.prefecture_code == args["prefecture_code"])
    column = getattr(Application, args["sort"].lstrip("-"))
    order = column.desc() if args["sort"].startswith("-") else column.asc()
    return stmt.order_by(order.nulls_last(), Application.id)


def decide_many(user: User, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each decision in its own transaction: one refusal does not undo the others."""
    results: list[dict[str, Any]] = []
    for item in items:
        application_id = item.pop("id")
        try:
            application = decide(visible(user, application_id), user, item)
            commit_versioned(application)
        except DomainError as error:
            db.session.rollback()
            status = http_status(error.code)
            results.append({"id": application_id, "status": status, "code": error.code})
            continue
        results.append({"id": application_id, "status": 200, "application": application})
    return results
