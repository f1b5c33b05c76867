"""Start-up for every entry point (the ``eventhub`` command, WSGI, gunicorn, Celery): a bad
setting ends the process with one line that names the variable, not with a traceback.

Not imported by the package itself: it imports ``create_app``, so ``eventhub`` importing it
back would be a cycle.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from eventhub import create_app
from eventhub.config import ConfigError, load_config
from eventhub.extensions import db
from eventhub.passes import signing

log = logging.getLogger(__name__)

#: The exit status of a bad setting. gunicorn's own for "the app failed to load", so that its
#: master stops instead of starting one worker after another that cannot boot.
EXIT_BAD_SETTING = 4


def _exit(error: ConfigError) -> SystemExit:
    sys.stderr.write(f"eventhub: {error}\n")
    sys.stderr.flush()
    return SystemExit(EXIT_BAD_SETTING)


def instance_path() -> Path:
    """Where the app keeps its data: EVENTHUB_INSTANCE_PATH, else Flask's instance folder
    (``instance/`` beside a source checkout, ``<prefix>/var/eventhub-instance`` installed)."""
    given = os.environ.get("EVENTHUB_INSTANCE_PATH")
    return Path(given or Flask("eventhub").instance_path)


def check_settings() -> None:
    """Read the settings as ``create_app`` will, and exit with one line if one is unusable:
    gunicorn's configuration runs this in the master, before any worker starts."""
    try:
        load_config(instance_path())
    except ConfigError as exc:
        raise _exit(exc) from None


def create_app_or_exit() -> Flask:
    try:
        return create_app()
    except ConfigError as exc:
        raise _exit(exc) from None


def check_signing_keys(app: Flask) -> None:
    """Exit with one line naming SECRET_KEY if no configured secret decrypts a signing key in
    use: SECRET_KEY was changed without the old one in SECRET_KEY_FALLBACKS, and every pass
    would otherwise fail, one request at a time (they answer 503 ``signing_keys_unreadable``
    if the secret changes while running). One decryption per edition in use.

    A database that cannot be read yet (not reachable, not migrated) is not this check's
    business: it is skipped, and requests say so themselves.
    """
    with app.app_context():
        try:
            unreadable = signing.first_unreadable_key()
        except sa.exc.SQLAlchemyError:
            log.info("signing keys not checked at start-up: the database cannot be read")
            return
        finally:
            db.session.remove()
            # Forked workers must not share the connection the check used.
            db.engine.dispose()
    if unreadable is not None:
        raise _exit(
            ConfigError(
                f"SECRET_KEY does not decrypt the stored signing key {unreadable.key_id} of "
                f"edition {unreadable.edition_id}, nor does any of SECRET_KEY_FALLBACKS: "
                f"{signing.UNREADABLE_GUIDANCE}"
            )
        )


def serve_app_or_exit() -> Flask:
    """The app for a server or a worker: ``create_app_or_exit``, and the signing keys read
    with the configured secrets (``check_signing_keys``). The ``eventhub`` command does not
    check them, so that ``reencrypt-keys`` and migrations run whatever the keys."""
    app = create_app_or_exit()
    check_signing_keys(app)
    return app
