"""Imports every model module so that the metadata, and so Alembic, knows all tables."""

from eventhub.accounts import models as accounts
from eventhub.applications import models as applications
from eventhub.audit import models as audit
from eventhub.bookings import models as bookings
from eventhub.booths import models as booths
from eventhub.calendars import models as calendars
from eventhub.checkin import models as checkin
from eventhub.documents import models as documents
from eventhub.events import models as events
from eventhub.health import models as health
from eventhub.notifications import models as notifications
from eventhub.passes import models as passes
from eventhub.reports import models as reports
from eventhub.tallies import models as tallies

__all__ = [
    "accounts",
    "applications",
    "audit",
    "bookings",
    "booths",
    "calendars",
    "checkin",
    "documents",
    "events",
    "health",
    "notifications",
    "passes",
    "reports",
    "tallies",
]
