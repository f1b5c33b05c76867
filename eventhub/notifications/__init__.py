"""Email to exhibitors and attendees: recorded first, sent by workers, never lost or sent twice."""
