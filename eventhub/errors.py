"""Domain errors: what a service raises when a rule refuses, as a code and parameters.

A service says *what* went wrong, never how it reads or which HTTP status it becomes:

- ``code`` is the stable machine-readable code that the API answers (``pass_revoked``);
- ``message`` names the text that explains it, a key of ``eventhub.messages.MESSAGES``
  (the code itself unless one code reads differently at different places);
- ``params`` fill that text's placeholders (``%(status)s``);
- ``extras`` are structured facts that clients read (``existing_id``, ``retry_after_seconds``);
- ``errors`` name each field that is wrong, each with its own message key and parameters.

``eventhub.problems`` maps codes to HTTP statuses and renders problem+json for the API, with
texts from the ja/en catalogue (``eventhub.i18n``); pages render the same errors beside their
fields. This module imports nothing of the web framework, so every layer may raise these.

A new code needs a status in ``eventhub.problems.STATUS`` and a text in
``eventhub.messages.MESSAGES`` (English, then its Japanese in the ja catalogue); the tests
fail until all three exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One field that is wrong: where it is, and the key and parameters of its message."""

    field: str | None
    message: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    location: str = "json"


class DomainError(Exception):
    """A rule of the domain refused; see the module docstring for the parts."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        detail: str | None = None,
        errors: Sequence[FieldError | Mapping[str, Any]] = (),
        **extras: Any,
    ) -> None:
        self.code = code
        self.message = message or code
        self.params: dict[str, Any] = dict(params or {})
        #: Key of a longer explanation, shown as problem+json's ``detail``.
        self.detail = detail
        #: Field errors; a plain mapping is passed on as it is (rows of a CSV file, say).
        self.errors = list(errors)
        self.extras = extras
        super().__init__(code, self.message, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its state, not its arguments: subclasses take other arguments, and an
        # error raised in a worker may be pickled.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[DomainError], args: tuple[Any, ...], state: dict[str, Any]) -> DomainError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def not_found(thing: str) -> DomainError:
    """``thing`` not found: its message key is ``<thing>_not_found``."""
    return DomainError("not_found", f"{thing}_not_found")


def invalid(*errors: FieldError | Mapping[str, Any], **extras: Any) -> DomainError:
    """A 422 naming each field that is wrong."""
    return DomainError("validation_failed", errors=errors, **extras)


def field_error(field: str, message: str, location: str = "json", **params: Any) -> DomainError:
    """A 422 for a rule that the schema cannot check by itself (it spans rows or fields)."""
    return invalid(FieldError(field, message, params, location))


def validator_error(field: str | None, text: str, location: str = "json") -> FieldError:
    """A message written by a schema validator (marshmallow), passed on as it was written."""
    return FieldError(field, "validator_message", {"text": text}, location)


def unauthenticated(detail: str | None = None, **params: Any) -> DomainError:
    """401: the one way to say that credentials are missing or wrong (``detail`` says which)."""
    return DomainError("unauthenticated", detail=detail, params=params)


def forbidden(detail: str | None = None, **params: Any) -> DomainError:
    """403: the caller is known, and may not do this (``detail`` says why)."""
    return DomainError("forbidden", detail=detail, params=params)


def database_unavailable() -> DomainError:
    """503: the database connection was lost; the client may send the request again."""
    return DomainError("database_unavailable", retry_after_seconds=1)
