"""Personal data: download one's own, erase an attendee's, purge after the retention period."""
