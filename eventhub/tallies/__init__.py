"""Attendance tallies: stored per edition, kept current from the scans by workers."""
