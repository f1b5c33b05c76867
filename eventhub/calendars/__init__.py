"""iCalendar feeds: built by workers into a table of finished bodies, served from it."""
