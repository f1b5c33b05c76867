"""Control characters are refused at the door, in every part of every request.

A NUL byte makes PostgreSQL refuse the statement (a 500), an unpaired surrogate cannot be
encoded for it, and the other C0 controls are stored and then break the XLSX exports. So every
string a request carries (path, query, form, JSON body with its keys, and the headers read as
data) is checked once, before any view runs, and a control character answers 422 naming the
field. Tab, line feed and carriage return pass here: multi-line fields keep them, one-line
fields (``eventhub.fields.Text``) turn them into a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import request

from eventhub.errors import FieldError, invalid

#: C0 controls but tab, line feed and carriage return; DEL; the C1 controls; unpaired
#: surrogates (valid JSON escapes, but not text).
FORBIDDEN_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

#: The same characters as a JSON Schema character class, for the OpenAPI document's patterns.
#: Unpaired surrogates are left out: ECMA-262 patterns see UTF-16 code units, where a pair (an
#: emoji) is two surrogates too; the document says it in words.
PATTERN_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"

MESSAGE = "control_character"

#: The request headers whose values eventhub reads as data (bearer tokens, the pass key).
READ_HEADERS = ("Authorization", "X-Pass-Key")


def has_control(text: str) -> bool:
    return FORBIDDEN_RE.search(text) is not None


def _bad_strings(value: Any, path: str) -> Iterator[str]:
    """The dotted path of each string (or key) in a JSON value that holds a forbidden character."""
    if isinstance(value, str):
        if has_control(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if has_control(str(key)):
                yield name
            else:
                yield from _bad_strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_strings(item, f"{path}.{index}" if path else str(index))


def check_request() -> None:
    """``before_request`` hook: 422 ``validation_failed`` for each field with a control."""
    errors: list[FieldError] = []
    for location, values in (
        ("path", request.view_args or {}),
        ("query", request.args.to_dict(flat=False)),
        ("form", request.form.to_dict(flat=False) if request.form else {}),
        ("headers", {h: request.headers[h] for h in READ_HEADERS if h in request.headers}),
    ):
        for key, items in values.items():
            strings = items if isinstance(items, list) else [items]
            if has_control(key) or any(isinstance(s, str) and has_control(s) for s in strings):
                errors.append(FieldError(key, MESSAGE, {}, location))
    if request.is_json:
        body = request.get_json(silent=True)
        errors.extend(
            FieldError(name or None, MESSAGE, {}, "json") for name in _bad_strings(body, "")
        )
    if errors:
        raise invalid(*errors)
