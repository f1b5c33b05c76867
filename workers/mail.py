"""Mail delivery tasks (filled in by the notifications work)."""
