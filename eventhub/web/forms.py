"""HTML forms validated by the API's own marshmallow schemas.

A page never has a second copy of a rule: it reads the posted form into the shape the JSON API
takes, loads it with the same schema, calls the same service, and shows every error next to its
field in the reader's language. Field names are the JSON paths: ``a.b`` for a nested object and
``a.0.b`` for the first item of a list of objects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma
from flask import request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from eventhub.errors import DomainError, FieldError
from eventhub.i18n import catalogue, fill
from eventhub.messages import MESSAGES, N_

#: marshmallow's own messages (its fields and validators write them in English), as catalogue
#: texts. The regular expression built from each finds the values marshmallow filled in.
_MARSHMALLOW_TEXTS: dict[str, str] = {
    "Missing data for required field.": N_("This field is required."),
    "Field may not be null.": N_("This field is required."),
    "Not a valid string.": N_("Enter text."),
    "Not a valid integer.": N_("Enter a whole number."),
    "Not a valid number.": N_("Enter a number."),
    "Not a valid boolean.": N_("Choose yes or no."),
    "Not a valid email address.": N_("Enter an email address such as name@example.jp."),
    "Not a valid URL.": N_("Enter a web address starting with https://."),
    "Not a valid date.": N_("Enter a date such as 2027-08-20."),
    "Not a valid datetime.": N_("Enter a date and time such as 2027-08-20 10:00."),
    "Not a valid time.": N_("Enter a time such as 10:00."),
    "Not a valid list.": N_("Choose one or more."),
    "Not a valid mapping type.": N_("This part of the form is not valid."),
    "Invalid input type.": N_("This part of the form is not valid."),
    "Unknown field.": N_("This field is not part of the form."),
    "Must be one of: {choices}.": N_("Choose one of the options."),
    "Must be greater than or equal to {min}.": N_("Enter %(min)s or more."),
    "Must be less than or equal to {max}.": N_("Enter %(max)s or less."),
    "Must be greater than or equal to {min} and less than or equal to {max}.": N_(
        "Enter a number from %(min)s to %(max)s."
    ),
    "Shorter than minimum length {min}.": N_("Enter at least %(min)s characters."),
    "Longer than maximum length {max}.": N_("Enter at most %(max)s characters."),
    "Length must be between {min} and {max}.": N_("Enter from %(min)s to %(max)s characters."),
    "Length must be {equal}.": N_("Enter exactly %(equal)s characters."),
    "String does not match expected pattern.": N_("This is not in the expected form."),
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


#: Longest first: "Must be greater than or equal to {min}." would otherwise also match the
#: range message ("… {min} and less than or equal to {max}.") with min = "1 and less than…".
_PATTERNS = [
    (_pattern(template), text)
    for template, text in sorted(_MARSHMALLOW_TEXTS.items(), key=lambda item: -len(item[0]))
]


def translate_message(message: str) -> str:
    """A schema's message in the reader's language: ours from the catalogue, marshmallow's
    through the table above; a text neither knows is shown as written."""
    if catalogue("ja").gettext(message) != message:
        return gettext(message)
    for pattern, text in _PATTERNS:
        found = pattern.match(message)
        if found:
            translated: str = gettext(text)
            return translated % found.groupdict() if "%(" in translated else translated
    return message


def _flatten(messages: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            yield from _flatten(value, name)
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from _flatten(item, prefix)
    else:
        yield prefix, str(messages)


def _blank(value: str) -> bool:
    return value.strip() == ""


def read_posted(schema: ma.Schema, form: MultiDict[str, str], prefix: str = "") -> dict[str, Any]:
    """The posted ``form`` in the shape ``schema`` loads, as the JSON API would receive it.

    A blank input is left out, so an optional field left empty is absent rather than an
    invalid value, and a required one is named as missing. A checkbox is sent as a hidden
    "false" followed by the box's "true": the last value wins.
    """
    raw: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        path = f"{prefix}{key}"
        if isinstance(field, ma.fields.Nested) and not field.many:
            nested = read_posted(_schema_of(field), form, f"{path}.")
            if nested:
                raw[key] = nested
        elif isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested):
            items = _indexed_items(_schema_of(field.inner), form, path)
            if items or f"{path}.present" in form:
                raw[key] = items
        elif isinstance(field, ma.fields.List):
            values = [v for v in form.getlist(path) if not _blank(v)]
            if values or f"{path}.present" in form:
                raw[key] = values
        elif isinstance(field, ma.fields.Boolean):
            values = form.getlist(path)
            if values:
                raw[key] = values[-1]
        else:
            value = form.get(path)
            if value is not None and not _blank(value):
                raw[key] = as_json_number(field, value)
    return raw


def as_json_number(field: ma.fields.Field, value: str) -> Any:
    """A form's digits as the number a JSON client sends, for the API's strict integer fields;
    anything else stays text, for the schema to name as invalid."""
    if isinstance(field, ma.fields.Integer) and re.fullmatch(r"[+-]?[0-9]{1,18}", value.strip()):
        return int(value)
    return value


def _schema_of(field: ma.fields.Nested) -> ma.Schema:
    schema = field.schema
    assert isinstance(schema, ma.Schema)
    return schema


def _indexed_items(schema: ma.Schema, form: MultiDict[str, str], path: str) -> list[Any]:
    indices = sorted(
        {
            int(found.group(1))
            for key in form
            if (found := re.match(rf"^{re.escape(path)}\.(\d+)\.", key)) is not None
        }
    )
    items = [read_posted(schema, form, f"{path}.{index}.") for index in indices]
    return [item for item in items if item]  # a row left blank is no row


def _flat_values(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _flat_values(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list) and data and all(isinstance(v, Mapping) for v in data):
        for index, item in enumerate(data):
            yield from _flat_values(item, f"{prefix}.{index}")
    else:
        yield prefix, data


class Form:
    """One form on a page: what was typed, what it loads to, and the errors per field."""

    def __init__(self, schema: ma.Schema, initial: Mapping[str, Any] | None = None) -> None:
        self.schema = schema
        self.data: dict[str, Any] = {}
        self.errors: dict[str, list[str]] = {}
        #: Errors about the whole form, shown above it.
        self.general: list[str] = []
        self._values: dict[str, Any] = dict(_flat_values(initial or {}))
        self._posted: MultiDict[str, str] | None = None

    @property
    def submitted(self) -> bool:
        return request.method == "POST"

    def validate(self, *, extra: Mapping[str, Any] | None = None) -> bool:
        """Load the posted form (and ``extra`` values the page adds) with the schema."""
        self._posted = request.form.copy()
        raw = {**read_posted(self.schema, self._posted), **(extra or {})}
        try:
            self.data = self.schema.load(raw)
        except ma.ValidationError as error:
            for field, message in _flatten(error.messages):
                self.add_error(field, translate_message(message))
            return False
        return True

    def add_error(self, field: str | None, message: str) -> None:
        if field and field != "_schema":
            self.errors.setdefault(field, []).append(message)
        else:
            self.general.append(message)

    def fail(self, error: DomainError) -> None:
        """Show a service's refusal: each field error at its field, the rest above the form."""
        placed = False
        for entry in error.errors:
            if isinstance(entry, FieldError):
                message = fill(MESSAGES[entry.message], entry.params)
                self.add_error(entry.field, translate_message(message))
                placed = placed or bool(entry.field)
            else:
                self.add_error(entry.get("field"), translate_message(str(entry.get("message"))))
                placed = placed or bool(entry.get("field"))
        if not placed:
            self.general.append(error_text(error))

    @property
    def ok(self) -> bool:
        return not self.errors and not self.general

    def value(self, name: str) -> str:
        """What the field shows: as posted after a refusal, else its initial value."""
        if self._posted is not None:
            # The last value: a ticked checkbox posts its hidden "false" first, then "true".
            posted = self._posted.getlist(name)
            return posted[-1] if posted else ""
        value = self._values.get(name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else ""
        return str(value)

    def values(self, name: str) -> list[str]:
        """The values of a multiple choice (checkboxes, a multiple select)."""
        if self._posted is not None:
            return self._posted.getlist(name)
        value = self._values.get(name)
        if isinstance(value, list | tuple | set):
            return [str(v) for v in value]
        return [] if value is None else [str(value)]

    def errors_for(self, name: str) -> list[str]:
        return self.errors.get(name, [])


def error_text(error: DomainError) -> str:
    """A domain error as one sentence in the reader's language: its title, then its detail."""
    values = {**error.extras, **error.params}
    keys = [error.message, *([error.detail] if error.detail else [])]
    return " ".join(fill(MESSAGES[key], values) for key in keys)
