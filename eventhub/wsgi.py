"""The WSGI application of an installed eventhub: ``gunicorn eventhub.wsgi:app``."""

from eventhub.startup import create_app_or_exit

app = create_app_or_exit()
