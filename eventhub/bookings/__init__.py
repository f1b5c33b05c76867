"""Attendees' bookings of hands-on slots (体験) and business meetings (商談)."""
