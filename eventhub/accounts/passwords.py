"""Password hashes: werkzeug's scrypt hashing, the one werkzeug import the accounts area needs.

Kept apart from ``service.py`` so that services import nothing of the web framework; this is
werkzeug's password hashing (scrypt, salted, self-describing), not anything of HTTP.
"""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

__all__ = ["check_password_hash", "generate_password_hash"]
