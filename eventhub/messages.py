"""The texts of domain errors, by message key, in English: the msgids of the ja/en catalogue.

``DomainError.message``, ``DomainError.detail`` and ``FieldError.message`` are keys of
``MESSAGES``; the Japanese (and any English rewording) lives in
``eventhub/translations/<locale>/LC_MESSAGES/messages.po``. Placeholders are ``%(name)s``,
filled from the error's params and extras. ``N_`` only marks a text for extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(text: str) -> str:  # noqa: N802  (gettext's conventional name, found by pybabel)
    return text


#: Titles of the generic HTTP errors, by the code each answers with.
HTTP_TITLES: dict[str, str] = {
    "bad_request": N_("The request could not be read."),
    "unauthenticated": N_("Authentication is required."),
    "forbidden": N_("You may not do this."),
    "not_found": N_("Not found."),
    "method_not_allowed": N_("Method not allowed."),
    "conflict": N_("The resource changed meanwhile."),
    "precondition_failed": N_("Precondition failed."),
    "payload_too_large": N_("The request is too large."),
    "unsupported_media_type": N_("Send JSON."),
    "validation_failed": N_("Some fields are invalid."),
    "too_many_requests": N_("Too many requests."),
    "internal_error": N_("Internal server error."),
    "unavailable": N_("Service unavailable."),
}

_NOT_FOUND: dict[str, str] = {
    "application_not_found": N_("Application not found."),
    "booking_not_found": N_("Booking not found."),
    "booth_allocation_not_found": N_("Booth allocation not found."),
    "booth_not_found": N_("Booth not found."),
    "calendar_not_found": N_("Calendar not found."),
    "deal_not_found": N_("Deal not found."),
    "device_not_found": N_("Device not found."),
    "document_not_found": N_("Document not found."),
    "edition_not_found": N_("Edition not found."),
    "invitation_not_found": N_("Invitation not found."),
    "fiscal_year_not_found": N_("Fiscal year not found."),
    "heartbeat_not_found": N_("Heartbeat not found."),
    "key_not_found": N_("Key not found."),
    "member_not_found": N_("Member not found."),
    "organisation_not_found": N_("Organisation not found."),
    "pass_not_found": N_("Pass not found."),
    "past_figures_not_found": N_("Past figures not found."),
    "registration_not_found": N_("Registration not found."),
    "report_build_not_found": N_("Report build not found."),
    "report_file_not_found": N_("Report file not found."),
    "report_not_ready": N_("Only a finished report can be published; this build is %(status)s."),
    "role_grant_not_found": N_("Role grant not found."),
    "scan_not_found": N_("Scan not found."),
    "schedule_item_not_found": N_("Schedule item not found."),
    "series_not_found": N_("Series not found."),
    "session_not_found": N_("Session not found."),
    "staff_member_not_found": N_("Staff member not found."),
    "token_not_found": N_("Token not found."),
    "user_not_found": N_("User not found."),
}

#: Titles and details of the errors services raise, by message key (mostly the code).
_REFUSALS: dict[str, str] = {
    # accounts
    "email_taken": N_("An account with this email already exists."),
    "login_locked": N_("Too many failed logins for this email; try again later."),
    "invalid_credentials": N_("The email or the password is wrong."),
    "email_not_verified": N_(
        "Confirm your email address first: open the link we mailed you, or ask for a new one."
    ),
    "too_many_mails": N_(
        "Too many mails were asked for; try again in %(retry_after_seconds)s seconds."
    ),
    "retry_after": N_("Try again in %(retry_after_seconds)s seconds."),
    "last_organiser": N_("The last organiser cannot lose the role."),
    "last_member": N_("An organisation keeps at least one member."),
    "corporate_number_taken": N_(
        "An organisation with this corporate number is already registered; ask its members "
        "to add you."
    ),
    "token_header": N_("Use the header 'Authorization: Bearer <token>'."),
    "api_token_unknown": N_("The token is unknown or has been revoked."),
    "token_expired": N_("The token has expired; log in again."),
    "account_disabled": N_("The account is disabled."),
    "bearer_needed": N_("This endpoint needs a bearer token."),
    "scope_missing": N_("The token lacks the '%(scope)s' scope."),
    "role_missing": N_("This needs one of the roles: %(roles)s."),
    "organisation_forbidden": N_("Only the organisation's members and organisers may change it."),
    "invite_members_only": N_("Only the organisation's members may invite others to join it."),
    "organiser_not_member": N_(
        "Organisers see every organisation without joining one: an organiser cannot be a member."
    ),
    "member_not_organiser": N_(
        "A member of an organisation cannot be an organiser: this user is a member of "
        "%(organisations)s. They must leave it first."
    ),
    "invitation_not_open": N_("This invitation has already been answered or withdrawn."),
    "invitation_expired": N_("This invitation has expired; ask the organisation for a new one."),
    # events, booths, calendars
    "version_conflict": N_("Someone else changed this meanwhile; reload it and try again."),
    "edition_transition": N_(
        "An edition cannot go from %(current)s to %(target)s (allowed: %(allowed)s)."
    ),
    "edition_not_over": N_(
        "An edition can be marked held only after it ends (%(ends_at)s); until then the report"
        " would print figures that are not final."
    ),
    "edition_final": N_("The edition of a %(status)s edition can no longer be changed."),
    "timetable_final": N_("The timetable of a %(status)s edition can no longer be changed."),
    "booths_final": N_("The booths of a %(status)s edition can no longer be changed."),
    "schedule_final": N_("The schedule of a %(status)s edition can no longer be changed."),
    "booth_code_exists": N_("The edition already has a booth with this code."),
    "over_capacity": N_(
        "The edition's booths would exceed its capacity of %(booth_capacity)s units."
    ),
    "booth_allocated": N_(
        "Booth %(booth)s is allocated; take it back before changing or deleting it."
    ),
    "booth_taken": N_("This booth is already allocated."),
    "booths_need_approval": N_(
        "Only an approved application gets booths; this one is %(current_status)s."
    ),
    "over_requested_size": N_(
        "The application requested %(requested_units)s units and holds %(allocated_units)s; "
        "booth %(booth)s has %(booth_units)s."
    ),
    "link_renewed": N_("Someone renewed this link at the same moment; fetch it again."),
    "calendar_link_forbidden": N_("Only the organisation's members may manage its calendar link."),
    # applications
    "applications_closed": N_("This edition does not take applications."),
    "applications_not_open_yet": N_("Applications have not opened yet."),
    "deadline_passed": N_("The application deadline has passed."),
    "application_exists": N_("Your organisation already has an application for this edition."),
    "application_not_editable": N_("An application that is %(status)s can no longer be changed."),
    "edition_started": N_("The edition has started; contact the organiser."),
    "submit_needs_draft": N_("Only a draft can be submitted."),
    "withdraw_refused": N_("An application that is %(status)s cannot be withdrawn."),
    "review_needs_submitted": N_("Only a submitted application can be reviewed."),
    "decide_refused": N_("An application that is %(status)s cannot be decided."),
    "endorse_refused": N_("An application that is %(status)s cannot be endorsed."),
    "application_forbidden": N_("Only the applying organisation's members may do this."),
    "conflict_of_interest": N_(
        "You belong to the applying organisation; someone else must decide on its application."
    ),
    "endorse_forbidden": N_("Only the contact of the recommending prefecture may endorse it."),
    "quota_reached": N_("The prefecture has used its %(max_endorsements)s endorsements."),
    "staff_need_approval": N_("Only an approved exhibitor registers staff."),
    "staff_exists": N_("This person is already registered."),
    "staff_quota_reached": N_("This application may register %(quota)s staff members."),
    "edition_full": N_(
        "The edition has no room for this many booth units; waitlist the application instead."
    ),
    "no_offer": N_("This application has no open offer."),
    "offer_expired": N_("The offer has expired."),
    # documents
    "documents_not_editable": N_(
        "The documents of an application that is %(status)s can no longer change."
    ),
    "too_many_documents": N_("An application holds at most %(limit)s documents; delete one first."),
    "documents_add_forbidden": N_("Only the applying organisation's members may add documents."),
    "documents_delete_forbidden": N_(
        "Only the applying organisation's members may delete documents."
    ),
    "file_too_large": N_("The file is too large."),
    "document_file_missing": N_("The document's file is missing."),
    # passes and the gate
    "signing_keys_unreadable": N_(
        "The passes' signing keys cannot be read with the configured secrets (SECRET_KEY was "
        "changed without keeping the old one in SECRET_KEY_FALLBACKS). Passes cannot be signed "
        "or checked until an operator restores it."
    ),
    "registration_full": N_("Registration for %(attendee_type)s is full."),
    "registration_closed": N_("This edition does not take registrations."),
    "already_registered": N_("This email address is already registered for this edition."),
    "pass_forbidden": N_("Only organisers, or the holder with the pass's key, may see it."),
    "pass_not_issued": N_("The pass is being issued; try again in a moment."),
    "pass_revoked": N_("The pass was revoked."),
    "invalid_token": N_("The code is not a valid pass of this edition."),
    "no_consent": N_("This visitor has not agreed to share contact details."),
    "leads_need_approval": N_("Only an approved exhibitor scans leads."),
    "active_key": N_("Rotate before retiring the active key."),
    "gate_exists": N_("A gate has this name."),
    "device_revoked": N_("This device has been revoked; register a new one."),
    "nothing_to_undo": N_("This scan changed nothing."),
    "undo_window_passed": N_("Scans can be undone for 2 minutes only."),
    "already_undone": N_("Already undone."),
    "presence_changed": N_("The holder has been scanned again since."),
    "invalid_scan": N_(
        "This scan's data cannot be stored; the device sent characters or values that are not"
        " allowed."
    ),
    "device_header": N_("Use the header 'Authorization: Bearer ehd_…' of a gate device."),
    "device_token_unknown": N_("The device token is unknown or has been revoked."),
    "database_unavailable": N_("The database connection was lost; send the request again."),
    "not_ready": N_("Not ready: %(failed)s cannot be reached."),
    # bookings
    "pass_key_missing": N_("Give the key from your pass mail."),
    "not_an_attendee": N_("Exhibitor staff passes cannot book sessions."),
    "not_bookable": N_("Only hands-on sessions and business meetings are booked."),
    "session_cancelled": N_("The session was cancelled."),
    "booking_closed": N_("This edition takes no bookings."),
    "session_started": N_("The session has already started."),
    "already_booked": N_("You have already booked this session."),
    "overlapping_booking": N_("You have another booking at this time."),
    "fully_booked": N_("Not enough seats are left."),
    "cancel_after_start": N_("The session has already started; ask the exhibitor."),
    "booking_cancelled": N_("The booking was cancelled."),
    "session_not_started": N_("The session has not started yet."),
    "bookings_forbidden": N_("Only organisers and the session's exhibitor may see its bookings."),
    "gate_staff_grant_ended": N_(
        "Your gate staff role for this edition ended at %(ends_at)s, when its gates closed."
    ),
    "gate_staff_elsewhere": N_(
        "You are gate staff of other editions; an organiser grants you this one."
    ),
    # reports and tallies
    "past_figures_exist": N_(
        "Figures for this series, fiscal year and edition exist; delete them or re-import."
    ),
    "invalid_csv": N_("The CSV file has errors; nothing was imported."),
    "csv_too_large": N_("The file is over 2 MiB."),
    "csv_file_missing": N_("Send the CSV as the file part."),
    "csv_media_type": N_("Send text/csv or a multipart form."),
    "edition_not_online": N_("This edition is held in person only."),
    "deal_exists": N_("A deal is already recorded for this lead or booking."),
}

#: Messages of single fields (``FieldError.message``).
_FIELDS: dict[str, str] = {
    "validator_message": N_("%(text)s"),
    "missing": N_("Missing."),
    "after_starts_at": N_("Must be after starts_at."),
    "after_applications_open_at": N_("Must be after applications_open_at."),
    "close_before_start": N_("Applications must close before the edition starts."),
    "fiscal_year_mismatch": N_(
        "An edition starting on %(day)s (Tokyo) belongs to fiscal year %(expected)s (%(label)s)."
    ),
    "unknown_series": N_("Unknown series; use one of: %(slugs)s."),
    "unknown_past_series": N_("Unknown series; use national-zone, takumi or mokucolle."),
    "session_outside_edition": N_("The session must take place on the edition's days."),
    "seats_needed": N_("A hands-on session needs a number of seats per slot."),
    "unknown_organisation": N_("No organisation has this id."),
    "seats_booked": N_("%(booked)s seats are already booked; cancel bookings first."),
    "code_twice": N_("This code is given twice in the request."),
    "unknown_booth": N_("No booth has this id in the application's edition."),
    "unknown_gate": N_("No such gate in this edition."),
    "unknown_edition": N_("No edition has this id."),
    "export_field_not_in_series": N_("Not a field of this edition's series: %(fields)s."),
    "pairing_code_invalid": N_(
        "This pairing code is wrong, used or expired; ask the organiser for a new one."
    ),
    "days_outside": N_("Days must lie between %(first)s and %(last)s."),
    "staff_pass_kind": N_("Only exhibitor staff hold exhibitor_staff passes."),
    "token_not_of_edition": N_("Not a pass of this edition (%(reason)s)."),
    "pass_token_unknown": N_("This pass is unknown or was replaced."),
    "token_of_staff": N_("This is an exhibitor staff pass, not a visitor's."),
    "unknown_session": N_("No session of your edition has this id."),
    "wrong_password": N_("The current password is wrong."),
    "link_unknown": N_("This link is not valid; check that it was copied whole."),
    "link_used": N_("This link has already been used, or a newer one replaced it."),
    "link_expired": N_("This link has expired; ask for a new one."),
    "email_unchanged": N_("This is already your email address."),
    "password_length": N_("Use 10 to 256 characters."),
    "already_member": N_("This person is already a member of the organisation."),
    "schedule_outside_days": N_("A %(kind)s item must take place on the edition's days."),
    "schedule_outside_window": N_(
        "A %(kind)s item must take place within %(days)s days of the edition."
    ),
    "video_url_needed": N_("An online edition needs a video URL."),
    "not_a_member": N_("You are not a member of this organisation."),
    "required_to_submit": N_("Required to submit."),
    "accept_terms": N_("Accept the terms to submit."),
    "unknown_registration": N_("No such registration here."),
    "not_an_edition_day": N_("Not a day of this edition."),
    "unknown_lead": N_("No such lead in this edition."),
    "unknown_booking": N_("No such booking in this edition."),
    "file_empty": N_("The file is empty."),
    "document_type_unknown": N_(
        "A document of kind '%(kind)s' must be %(expected)s; its content is not."
    ),
    "document_type_wrong": N_(
        "A document of kind '%(kind)s' must be %(expected)s; it is %(found)s."
    ),
    "file_over_limit": N_("The file is larger than the limit of %(limit)s bytes."),
    "control_character": N_("Control characters (such as NUL) are not allowed here."),
}

#: Every text by its key; a key is given once (the tests check that the parts do not overlap).
MESSAGES: dict[str, str] = {**HTTP_TITLES, **_NOT_FOUND, **_REFUSALS, **_FIELDS}
PARTS: tuple[dict[str, str], ...] = (HTTP_TITLES, _NOT_FOUND, _REFUSALS, _FIELDS)


_STATUS_WORDS: dict[str, str] = {
    # applications
    "draft": N_("a draft"),
    "submitted": N_("submitted"),
    "under_review": N_("under review"),
    "approved": N_("approved"),
    "rejected": N_("not accepted"),
    "waitlisted": N_("waitlisted"),
    "offered": N_("offered a place"),
    "withdrawn": N_("withdrawn"),
    "offer_expired": N_("past its offer's deadline"),
    # editions ("draft" is shared with applications)
    "open": N_("open for applications"),
    "closed": N_("closed for applications"),
    "held": N_("held"),
    "cancelled": N_("cancelled"),
    # report builds
    "queued": N_("queued"),
    "running": N_("being built"),
    "done": N_("finished"),
    "failed": N_("failed"),
}

_ATTENDEE_TYPE_WORDS: dict[str, str] = {
    "general": N_("visitors"),
    "buyer": N_("buyers"),
    "press": N_("the press"),
    "exhibitor_staff": N_("exhibitor staff"),
    "vip": N_("VIPs"),
}

_KIND_WORDS: dict[str, str] = {
    # schedule items
    "opening": N_("opening hours"),
    "setup": N_("move-in"),
    "teardown": N_("move-out"),
    # documents
    "catalogue": N_("catalogue"),
    "photo": N_("photo"),
    "other": N_("other"),
}

#: Placeholders that carry a code (a status, a pass kind): a message shows the code in the
#: reader's words, 「審査中」 or "under review" rather than ``under_review``. The code itself
#: stays machine-readable in the problem's extras where a client needs it.
PLACEHOLDER_WORDS: dict[str, dict[str, str]] = {
    "status": _STATUS_WORDS,
    "current_status": _STATUS_WORDS,
    "current": _STATUS_WORDS,
    "target": _STATUS_WORDS,
    "allowed": _STATUS_WORDS,
    "attendee_type": _ATTENDEE_TYPE_WORDS,
    "kind": _KIND_WORDS,
}
#: Between the items of a listed placeholder; Japanese lists with 「、」.
LIST_SEPARATOR = N_(", ")
NOTHING = N_("none")


def in_words(values: Mapping[str, Any], gettext: Callable[[str], str]) -> dict[str, Any]:
    """``values`` with every code a message shows replaced by its words in ``gettext``'s
    language; a list or tuple becomes one text. Other values are left as they are."""
    shown = dict(values)
    for name, words in PLACEHOLDER_WORDS.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, list | tuple | set | frozenset):
            items = [gettext(words.get(str(item), str(item))) for item in value]
            shown[name] = gettext(LIST_SEPARATOR).join(items) if items else gettext(NOTHING)
        elif str(value) in words:
            shown[name] = gettext(words[str(value)])
    return shown
