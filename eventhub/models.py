"""Imports every model so that the metadata, and so Alembic, knows all tables."""

from eventhub.accounts.models import ApiToken, Membership, Organisation, RoleGrant, User
from eventhub.events.models import Edition, Series, TimetableSession
from eventhub.health.models import WorkerHeartbeat

__all__ = [
    "ApiToken",
    "Edition",
    "Membership",
    "Organisation",
    "RoleGrant",
    "Series",
    "TimetableSession",
    "User",
    "WorkerHeartbeat",
]
