"""WSGI entry point of a source checkout: ``gunicorn wsgi:app``, ``flask --app wsgi``.
Installed, the same app is ``eventhub.wsgi:app``."""

from eventhub.startup import serve_app_or_exit

app = serve_app_or_exit()
