"""Users, organisations, roles and API tokens."""
