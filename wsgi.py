"""WSGI entry point: ``gunicorn wsgi:app``."""

from eventhub import create_app

app = create_app()
