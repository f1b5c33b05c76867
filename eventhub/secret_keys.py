"""The app's secret and the old secrets that still read: one place for every use of them.

``SECRET_KEY`` signs and encrypts everything new. ``SECRET_KEY_FALLBACKS`` lists old secrets
that still verify and decrypt what they made, so that changing the secret breaks nothing at
once: page sessions (Flask reads them itself), CSRF tokens, the private links of passes and
the editions' signing keys stored encrypted. ``flask eventhub reencrypt-keys`` moves the stored
signing keys to the current secret; once it has run, an old secret can leave the fallbacks,
and with it every session, form and pass link made under it.
"""

from __future__ import annotations

from flask import Flask, current_app


def current() -> str:
    """The secret that signs and encrypts from now on."""
    secret: str = current_app.config["SECRET_KEY"]
    return secret


def readable() -> tuple[str, ...]:
    """Every secret that may have made what is read: the current one, then the fallbacks,
    newest first (the list is written oldest first, as Flask's)."""
    fallbacks: list[str] = list(current_app.config.get("SECRET_KEY_FALLBACKS") or ())
    return (current(), *reversed([key for key in fallbacks if key != current()]))


def init_app(app: Flask) -> None:
    """CSRF tokens signed under a fallback still validate; new ones use SECRET_KEY.

    Flask-WTF signs with ``WTF_CSRF_SECRET_KEY`` (else SECRET_KEY) through itsdangerous, which
    takes a list of keys, oldest first, and signs with the last.
    """
    fallbacks = app.config.get("SECRET_KEY_FALLBACKS") or []
    if fallbacks and "WTF_CSRF_SECRET_KEY" not in app.config:
        app.config["WTF_CSRF_SECRET_KEY"] = [*fallbacks, app.config["SECRET_KEY"]]
