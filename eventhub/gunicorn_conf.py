"""gunicorn's settings for eventhub, the one way to serve it in production:

    gunicorn -c python:eventhub.gunicorn_conf --bind 0.0.0.0:8000 eventhub.wsgi:app

Options on the command line (and in GUNICORN_CMD_ARGS) override these. The settings are read
here, in gunicorn's master, before any worker starts: a bad one ends gunicorn with one line
naming it, instead of workers that fail to boot one after another.
"""

from __future__ import annotations

import os

from eventhub.config import WEB_THREADS
from eventhub.startup import check_settings

check_settings()

# Threads, not processes, for concurrency within a process: the scans that arrive together
# share one database round trip (group commit), and the connection pool has a connection for
# every thread (eventhub.config.POOL_SIZE).
worker_class = "gthread"
threads = WEB_THREADS
# One process per core; WEB_CONCURRENCY (gunicorn's own variable) or --workers changes it.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)

# Private links carry their key in the query string (/passes/<id>?key=…), so the access log
# writes the path without it (%(U)s, not %(r)s or %(q)s), and no Referer, which carries it too.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s "%(a)s"'

# gunicorn 25.1 and later open a control socket for `gunicornc` at one path per user
# (~/.gunicorn/gunicorn.ctl): a second instance on the host would take over the first's, and a
# service user often has no home to write to. Off, unless GUNICORN_CONTROL_SOCKET names a
# path for this instance. (Older gunicorn ignores both names.)
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None

# With PROMETHEUS_MULTIPROC_DIR set, a dead worker's live gauges stop counting in /metrics.
from eventhub.metrics import child_exit  # noqa: E402,F401  (gunicorn looks the hook up by name)
