"""Pass issuing tasks (filled in by the passes work)."""
