"""Liveness of the web, the database and the Celery workers."""
