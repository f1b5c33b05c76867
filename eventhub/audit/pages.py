"""The audit log for organisers, as a page: the API's list (``GET /audit-events``) with its
filters by action, actor and day, paged, and each action named in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import marshmallow as ma
from flask import Blueprint, render_template, request
from flask_babel import gettext

from eventhub.accounts.models import Role
from eventhub.audit import service
from eventhub.audit.actions import Action
from eventhub.fields import TOKYO
from eventhub.messages import N_
from eventhub.pagination import PageArgs
from eventhub.web.auth import page_login_required
from eventhub.web.forms import Form, translate_message

bp = Blueprint("audit_pages", __name__)

#: Each action as organisers read it.
ACTION_LABELS: dict[Action, str] = {
    Action.APPLICATION_DECIDED: N_("Application decided"),
    Action.APPLICATION_ENDORSED: N_("Application endorsed"),
    Action.ENDORSEMENT_WITHDRAWN: N_("Endorsement withdrawn"),
    Action.APPLICATIONS_EXPORTED: N_("Applications exported"),
    Action.LEADS_EXPORTED: N_("Leads exported"),
    Action.ROLE_GRANTED: N_("Role granted"),
    Action.ROLE_REVOKED: N_("Role revoked"),
    Action.DEVICE_CREATED: N_("Gate device added"),
    Action.DEVICE_PAIRING_CODE_ISSUED: N_("Pairing code issued"),
    Action.DEVICE_PAIRED: N_("Gate device paired"),
    Action.DEVICE_REVOKED: N_("Gate device revoked"),
    Action.SIGNING_KEY_ROTATED: N_("Signing key rotated"),
    Action.SIGNING_KEY_RETIRED: N_("Signing key retired"),
    Action.MANUAL_CHECKIN: N_("Manual check-in"),
    Action.SCAN_UNDONE: N_("Scan undone"),
    Action.REGISTRATION_ERASED: N_("Attendee's personal data erased"),
}


class AuditPageArgs(PageArgs):
    """The page's filters: an action, the actor's email, and days (Tokyo) from and to."""

    action = ma.fields.String(validate=ma.validate.OneOf([a.value for a in Action]))
    actor = ma.fields.String(validate=ma.validate.Length(max=254))
    from_day = ma.fields.Date(data_key="from")
    to_day = ma.fields.Date(data_key="to")

    @ma.validates_schema
    def _from_before_to(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("from_day") and data.get("to_day") and data["from_day"] > data["to_day"]:
            raise ma.ValidationError("Must not be before the first day.", "to")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), TOKYO)


def action_choices() -> list[tuple[str, str]]:
    return [(action.value, gettext(label)) for action, label in ACTION_LABELS.items()]


@bp.get("/organiser/audit")
@page_login_required(Role.ORGANISER)
def index() -> Any:
    """Who did what, newest first; filters by action, actor (email) and days at the venue."""
    raw = {key: value.strip() for key, value in request.args.items() if value.strip()}
    form = Form(AuditPageArgs(), raw)
    page = None
    try:
        args = AuditPageArgs().load(raw)
    except ma.ValidationError as error:
        for field, messages in error.normalized_messages().items():
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(field, translate_message(str(message)))
    else:
        filters: dict[str, Any] = {"action": args.get("action"), "actor_email": args.get("actor")}
        if args.get("from_day"):
            filters["since"] = _start_of(args["from_day"])
        if args.get("to_day"):
            filters["until"] = _start_of(args["to_day"] + timedelta(days=1))
        page = service.list_events(filters, {"page": args["page"], "per_page": args["per_page"]})
    filters_shown = {k: v for k, v in raw.items() if k in ("action", "actor", "from", "to")}
    return (
        render_template(
            "organiser/audit_index.html",
            form=form,
            page=page,
            filters=filters_shown,
            actions=action_choices(),
            action_labels={action.value: label for action, label in ACTION_LABELS.items()},
        ),
        200 if form.ok else 422,
    )
