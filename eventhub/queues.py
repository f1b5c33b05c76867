"""Which Celery queue each kind of work goes to, and how long a queued task may be held.

The one place that routes tasks: ``TASK_ROUTES`` sends every task by its name to one of
``QUEUES``, so an operator can give a kind of work its own workers, on other machines too
(``celery -A workers worker -Q passes``), and a flood of one kind (bulk issuing, a mail
backlog) never waits in front of another. A worker started without ``-Q`` consumes every
queue in ``QUEUES``: a single worker still runs everything.
"""

from __future__ import annotations

from typing import Any

from kombu import Exchange, Queue

DEFAULT_QUEUE = "default"
#: Every queue; each is a Redis list of the same name (its length is the queue's depth).
QUEUES = ("passes", "mail", "feeds", "reports", "tallies", DEFAULT_QUEUE)

#: Task name patterns, as the task modules name them (``eventhub.<area>.<task>``), to queues.
#: Anything else (heartbeats, waitlist offers, account and privacy housekeeping) goes to
#: ``DEFAULT_QUEUE``.
TASK_ROUTES: dict[str, dict[str, str]] = {
    "eventhub.passes.*": {"queue": "passes"},
    "eventhub.mail.*": {"queue": "mail"},
    "eventhub.calendars.*": {"queue": "feeds"},
    "eventhub.reports.*": {"queue": "reports"},
    "eventhub.tallies.*": {"queue": "tallies"},
}

#: How long Redis lets a worker hold a task it has not acknowledged before it hands the task
#: to another worker. Tasks are acknowledged after they ran (``task_acks_late``), so this must
#: outlast the longest task *and* the longest countdown a worker holds a task for (a refused
#: mail waits up to 10 minutes between attempts): a shorter one would run such a task twice
#: while its first worker is still on it. An hour is Celery's own default, written down here
#: because the choice matters. It is only the last resort after a worker dies: the database
#: records what each task is for, and the reconcilers queue lost work again within minutes.
VISIBILITY_TIMEOUT_SECONDS = 3600


def celery_settings() -> dict[str, Any]:
    """The queueing part of the Celery configuration (``eventhub.config`` adds the rest)."""
    return {
        # Each queue its own exchange and routing key: queues sharing a key would each get a copy.
        "task_queues": [Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        "task_default_queue": DEFAULT_QUEUE,
        "task_routes": TASK_ROUTES,
        # A task is acknowledged after it ran, so a killed worker's task is delivered again
        # rather than lost. Running twice is safe: every task is idempotent, and a pass is
        # issued once because its store is a conditional UPDATE on (pending, serial).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # With late acknowledgement, each worker process then holds only the task it runs
        # (Celery's default would reserve four): a batch of passes takes about half a second,
        # and with a deeper prefetch the first worker to start would hoard the queue while
        # workers added on other machines stayed idle.
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS},
    }
