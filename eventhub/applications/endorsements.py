"""都道府県推薦: a prefecture contact endorses applications naming its prefecture.

The organiser may cap how many applications a prefecture endorses per edition. The quota
row is locked while endorsements are counted, so concurrent endorsements never exceed it.
"""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.accounts.models import User
from eventhub.applications.models import Application, ApplicationStatus, PrefectureQuota
from eventhub.applications.service import check_impartial, invalid_transition
from eventhub.audit import service as audit
from eventhub.audit.actions import Action
from eventhub.db import utcnow
from eventhub.errors import DomainError, forbidden
from eventhub.events.models import Edition
from eventhub.extensions import db
from eventhub.locking import lock_rows

S = ApplicationStatus
ENDORSABLE = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED, S.OFFERED, S.APPROVED})


def _endorsed_count(edition_id: int, prefecture_code: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Application.edition_id == edition_id,
                Application.recommending_prefecture_code == prefecture_code,
                Application.endorsed_at.is_not(None),
                Application.status.in_(ENDORSABLE),
            )
        )
        or 0
    )


def _check_contact(user: User, application: Application) -> int:
    code = application.recommending_prefecture_code
    if code is None or code not in user.contact_prefectures():
        raise forbidden("endorse_forbidden")
    return code


def endorse(application: Application, user: User) -> Application:
    code = _check_contact(user, application)
    check_impartial(application, user)
    if application.status not in ENDORSABLE:
        raise invalid_transition("endorse_refused", status=application.status)
    if application.endorsed_at is not None:
        return application
    quota = db.session.scalars(
        sa.select(PrefectureQuota).where(
            PrefectureQuota.edition_id == application.edition_id,
            PrefectureQuota.prefecture_code == code,
        )
    ).first()
    if quota is not None:
        # Count under the quota's lock, so two endorsements at once cannot both take the last.
        lock_rows(PrefectureQuota, [quota.id])
        used = _endorsed_count(application.edition_id, code)
        if used >= quota.max_endorsements:
            raise DomainError(
                "quota_reached",
                max_endorsements=quota.max_endorsements,
                used=used,
            )
    application.endorsed_at = utcnow()
    application.endorsed_by_id = user.id
    audit.record(
        Action.APPLICATION_ENDORSED,
        target=("application", application.id),
        edition_id=application.edition_id,
        details={"prefecture_code": code},
    )
    return application


def withdraw_endorsement(application: Application, user: User) -> Application:
    code = _check_contact(user, application)
    if application.endorsed_at is not None:
        audit.record(
            Action.ENDORSEMENT_WITHDRAWN,
            target=("application", application.id),
            edition_id=application.edition_id,
            details={"prefecture_code": code},
        )
    application.endorsed_at = None
    application.endorsed_by_id = None
    return application


def set_quota(edition: Edition, prefecture_code: int, max_endorsements: int) -> PrefectureQuota:
    quota = db.session.scalars(
        sa.select(PrefectureQuota).where(
            PrefectureQuota.edition_id == edition.id,
            PrefectureQuota.prefecture_code == prefecture_code,
        )
    ).first()
    if quota is None:
        quota = PrefectureQuota(
            edition_id=edition.id,
            prefecture_code=prefecture_code,
            max_endorsements=max_endorsements,
        )
        db.session.add(quota)
    else:
        quota.max_endorsements = max_endorsements
    db.session.flush()
    return quota


def quotas(edition: Edition) -> list[dict[str, int]]:
    rows = db.session.scalars(
        sa.select(PrefectureQuota)
        .where(PrefectureQuota.edition_id == edition.id)
        .order_by(PrefectureQuota.prefecture_code)
    ).all()
    return [
        {
            "prefecture_code": q.prefecture_code,
            "max_endorsements": q.max_endorsements,
            "used": _endorsed_count(edition.id, q.prefecture_code),
        }
        for q in rows
    ]
