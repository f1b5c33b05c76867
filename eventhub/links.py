"""The address that links in pages, mails, feeds and pairing codes start with.

EVENTHUB_BASE_URL when it is set; service mode requires it (eventhub.config), because the
Host header is the client's to choose and must not decide where a mailed link points. On the
embedded default, with nothing set, links follow the address the app is served at: the
request's, also for mails and passes that a request makes (tasks run in it there), so a trial
on another port gets working links. Outside a request (the ``eventhub`` commands) they start
with DEFAULT_BASE_URL, where ``eventhub run`` serves.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    configured: str | None = current_app.config.get("EVENTHUB_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEFAULT_BASE_URL


def stable_host() -> str:
    """The deployment's host for identifiers that must never change (calendar UIDs): the
    configured address's, never a request's."""
    configured = current_app.config.get("EVENTHUB_BASE_URL") or DEFAULT_BASE_URL
    return urlsplit(configured).hostname or "eventhub"
