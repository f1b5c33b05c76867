"""An exhibitor's organisations: list, create, edit (法人番号, furigana, prefecture …), members
and invitations (sent from the organisation's page, answered on the invitee's invitations
page), and the organisation's private calendar link. The API's schemas and services, nothing
else."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext

from eventhub.accounts import invitations, schemas, service
from eventhub.accounts.models import Organisation, OrganisationKind
from eventhub.calendars import tokens
from eventhub.calendars.schemas import LinkInSchema
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.messages import N_
from eventhub.web.auth import page_login_required, signed_in_user
from eventhub.web.forms import Form, error_text

bp = Blueprint("organisation_pages", __name__)

KIND_LABELS: dict[str, str] = {
    OrganisationKind.COMPANY: N_("Company"),
    OrganisationKind.ASSOCIATION: N_("Association or cooperative"),
    OrganisationKind.MUNICIPALITY: N_("Local government"),
    OrganisationKind.OTHER: N_("Other"),
}


def _kind_choices() -> list[tuple[str, str]]:
    return [(value, gettext(text)) for value, text in KIND_LABELS.items()]


@bp.app_template_global()
def organisation_kind(kind: str) -> str:
    return gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _form_page(form: Form, organisation: Organisation | None, status: int) -> Any:
    return (
        render_template(
            "organisations/form.html",
            form=form,
            organisation=organisation,
            kind_choices=_kind_choices(),
        ),
        status,
    )


@bp.get("/my/organisations")
@page_login_required()
def index() -> Any:
    user = signed_in_user()
    organisations = sorted((m.organisation for m in user.memberships), key=lambda o: o.id)
    return render_template("organisations/index.html", organisations=organisations)


@bp.route("/my/organisations/new", methods=["GET", "POST"])
@page_login_required()
def create() -> Any:
    form = Form(schemas.OrganisationSchema())
    if form.submitted and form.validate():
        try:
            organisation = service.create_organisation(signed_in_user(), dict(form.data))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(gettext("The organisation has been registered."), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return _form_page(form, None, 200 if form.ok else 422)


@bp.get("/organisations/<int:organisation_id>")
@page_login_required()
def show(organisation_id: int, member_form: Form | None = None, link: Any = None) -> Any:
    user = signed_in_user()
    organisation = service.visible_organisation(user, organisation_id)
    member = service.is_member(user, organisation)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        member=member,
        member_form=member_form or Form(schemas.MemberAddSchema()),
        invitations=invitations.open_of(organisation),
        calendar_token=tokens.live_token(organisation.id) if member else None,
        calendar_link=link,
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@page_login_required()
def edit(organisation_id: int) -> Any:
    organisation = service.editable_organisation(signed_in_user(), organisation_id)
    initial = schemas.OrganisationSchema().dump(organisation)
    form = Form(schemas.OrganisationSchema(), initial=initial)
    if form.submitted and form.validate():
        try:
            service.update_organisation(organisation, dict(form.data))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            form.fail(error)
        else:
            flash(gettext("Your changes have been saved."), "success")
            return redirect(url_for(".show", organisation_id=organisation.id))
    return _form_page(form, organisation, 200 if form.ok else 422)


@bp.post("/organisations/<int:organisation_id>/invitations")
@page_login_required()
def invite(organisation_id: int) -> Any:
    """Invite a colleague (POST /organisations/{id}/invitations): a member when they accept."""
    user = signed_in_user()
    organisation = service.visible_organisation(user, organisation_id)
    form = Form(schemas.MemberAddSchema())
    if form.validate():
        try:
            invitation = invitations.invite(organisation, user, form.data["email"])
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            if error.code == "forbidden":
                raise
            form.fail(error)
        else:
            flash(
                gettext(
                    "%(email)s is invited: they become a member when they accept.",
                    email=invitation.email,
                ),
                "success",
            )
            return redirect(url_for(".show", organisation_id=organisation_id) + "#members")
    return show(organisation_id, member_form=form), 422


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/cancel")
@page_login_required()
def cancel_invitation(organisation_id: int, invitation_id: int) -> Any:
    user = signed_in_user()
    organisation = service.visible_organisation(user, organisation_id)
    try:
        invitations.cancel(organisation, user, invitation_id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.code in ("not_found", "forbidden"):
            raise
        flash(error_text(error), "error")
    else:
        flash(gettext("The invitation is withdrawn."), "success")
    return redirect(url_for(".show", organisation_id=organisation_id) + "#members")


@bp.get("/account/invitations")
@page_login_required()
def my_invitations() -> Any:
    """The invitations waiting for the reader's answer: where the invitation mail leads."""
    return render_template(
        "organisations/invitations.html", invitations=invitations.open_for(signed_in_user())
    )


@bp.post("/account/invitations/<int:invitation_id>/<any(accept, decline):answer>")
@page_login_required()
def answer_invitation(invitation_id: int, answer: str) -> Any:
    user = signed_in_user()
    try:
        if answer == "accept":
            membership = invitations.accept(user, invitation_id)
        else:
            invitations.decline(user, invitation_id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.code == "not_found":
            raise
        flash(error_text(error), "error")
        return redirect(url_for(".my_invitations"))
    if answer == "accept":
        flash(
            gettext("You are now a member of %(name)s.", name=membership.organisation.name),
            "success",
        )
        return redirect(url_for(".show", organisation_id=membership.organisation_id))
    flash(gettext("The invitation is declined."), "info")
    return redirect(url_for(".my_invitations"))


@bp.post("/organisations/<int:organisation_id>/members/<int:user_id>/remove")
@page_login_required()
def remove_member(organisation_id: int, user_id: int) -> Any:
    user = signed_in_user()
    organisation = service.editable_organisation(user, organisation_id)
    try:
        service.remove_member(organisation, user_id)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        if error.code == "not_found":
            raise
        flash(error_text(error), "error")
        return redirect(url_for(".show", organisation_id=organisation_id) + "#members")
    flash(gettext("The member has been removed."), "success")
    if user_id == user.id:
        return redirect(url_for(".index"))
    return redirect(url_for(".show", organisation_id=organisation_id) + "#members")


@bp.post("/organisations/<int:organisation_id>/calendar-link")
@page_login_required()
def renew_calendar_link(organisation_id: int) -> Any:
    """A new private calendar link; its address is shown on this answer only, as on the API."""
    user = signed_in_user()
    organisation = service.editable_organisation(user, organisation_id)
    form = Form(LinkInSchema())
    if not form.validate():
        flash(" ".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for(".show", organisation_id=organisation_id) + "#calendar")
    _token, secret = tokens.renew(form.data["lang"], user, organisation_id=organisation.id)
    db.session.commit()
    return show(organisation_id, link=tokens.links(tokens.feed_path(secret)))


@bp.post("/organisations/<int:organisation_id>/calendar-link/revoke")
@page_login_required()
def revoke_calendar_link(organisation_id: int) -> Any:
    organisation = service.editable_organisation(signed_in_user(), organisation_id)
    tokens.revoke(organisation.id)
    db.session.commit()
    flash(gettext("The calendar link has been turned off."), "success")
    return redirect(url_for(".show", organisation_id=organisation_id) + "#calendar")
