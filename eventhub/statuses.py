"""The HTTP status each error code answers with: the one place that maps codes to statuses.

Services raise ``eventhub.errors.DomainError`` with a code and no status; the API
(``eventhub.problems``) and the bulk answers that report a status per item read it here.
"""

from __future__ import annotations

#: Code → HTTP status. Every code that is raised has a row (a test walks the code for them).
STATUS: dict[str, int] = {
    # generic HTTP errors, also raised by services
    "bad_request": 400,
    "unauthenticated": 401,
    "invalid_credentials": 401,
    "forbidden": 403,
    "no_consent": 403,
    "conflict_of_interest": 403,
    "email_not_verified": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "precondition_failed": 412,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "validation_failed": 422,
    "invalid_token": 422,
    "invalid_csv": 422,
    "invalid_scan": 422,
    "too_many_requests": 429,
    "login_locked": 429,
    "too_many_mails": 429,
    "internal_error": 500,
    "document_file_missing": 500,
    "unavailable": 503,
    "database_unavailable": 503,
    # refusals by the current state of things
    "active_key": 409,
    "already_booked": 409,
    "booking_cancelled": 409,
    "fully_booked": 409,
    "overlapping_booking": 409,
    "session_not_started": 409,
    "already_registered": 409,
    "already_undone": 409,
    "application_exists": 409,
    "applications_closed": 409,
    "applications_not_open_yet": 409,
    "booking_closed": 409,
    "booth_allocated": 409,
    "booth_code_exists": 409,
    "booth_taken": 409,
    "corporate_number_taken": 409,
    "deadline_passed": 409,
    "deal_exists": 409,
    "edition_final": 409,
    "edition_full": 409,
    "edition_not_online": 409,
    "edition_started": 409,
    "email_taken": 409,
    "gate_exists": 409,
    "device_revoked": 409,
    "invalid_transition": 409,
    "last_member": 409,
    "organiser_not_member": 409,
    "invitation_not_open": 409,
    "invitation_expired": 409,
    "last_organiser": 409,
    "no_offer": 409,
    "not_an_attendee": 409,
    "not_approved": 409,
    "not_bookable": 409,
    "nothing_to_undo": 409,
    "undo_window_passed": 409,
    "not_editable": 409,
    "offer_expired": 409,
    "over_capacity": 409,
    "over_requested_size": 409,
    "pass_not_issued": 409,
    "pass_revoked": 409,
    "past_figures_exist": 409,
    "presence_changed": 409,
    "quota_reached": 409,
    "registration_closed": 409,
    "registration_full": 409,
    "session_cancelled": 409,
    "session_started": 409,
    "staff_exists": 409,
    "staff_quota_reached": 409,
    "too_many_documents": 409,
    "version_conflict": 409,
}

#: The code of each generic HTTP status (the framework's own errors: unknown route, 405, 413…).
CODE_OF_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def http_status(code: str) -> int:
    """The status of ``code``; an unmapped code is a bug, answered as 500 (and caught by tests)."""
    return STATUS.get(code, 500)
