"""Start-up for every entry point (the ``eventhub`` command, WSGI, gunicorn, Celery): a bad
setting ends the process with one line that names the variable, not with a traceback.

Not imported by the package itself: it imports ``create_app``, so ``eventhub`` importing it
back would be a cycle.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from flask import Flask

from eventhub import create_app
from eventhub.config import ConfigError, load_config

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
