"""The WSGI application of an installed eventhub: ``gunicorn eventhub.wsgi:app``."""

from eventhub.startup import serve_app_or_exit

app = serve_app_or_exit()
