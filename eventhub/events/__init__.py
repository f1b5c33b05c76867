"""Series, editions and their timetables."""
