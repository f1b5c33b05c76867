"""Marshmallow fields: free text kept as written, identifiers normalised, clear errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from eventhub import control_characters, japan
from eventhub.messages import MESSAGES

TOKYO = ZoneInfo("Asia/Tokyo")


#: Tabs and line breaks in one-line text, with the spaces around them.
_BREAKS_RE = re.compile(r"\s*[\t\n\r\v\f\u2028\u2029]\s*")


def _refuse_controls(text: str) -> None:
    # The request hook already refuses these; a schema loaded outside a request must too.
    if control_characters.has_control(text):
        raise ma.ValidationError(MESSAGES[control_characters.MESSAGE])


class Text(ma.fields.String):
    """One line of text kept as written: NFC, trimmed; blank counts as missing.

    Only the Unicode form is unified (NFC): full-width brackets, ①②③ and half-width kana stay
    as the person typed them. A tab or line break, with the spaces around it, becomes one space,
    since a name or a title has one line. Control characters are refused. Matching (search,
    identifiers) normalises its own keys with ``japan.normalise``.
    """

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        if max_length is not None:
            kwargs.setdefault("validate", ma.validate.Length(min=1, max=max_length))
        else:
            kwargs.setdefault("validate", ma.validate.Length(min=1))
        super().__init__(**kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        _refuse_controls(text)
        return self.tidy(unicodedata.normalize("NFC", text))

    def tidy(self, text: str) -> str:
        return _BREAKS_RE.sub(" ", text).strip()


class MultilineText(Text):
    """Text of several lines (descriptions, summaries, notes, reasons) kept as written.

    NFC; CRLF and CR become LF; tabs and line breaks inside are kept, whitespace around the
    whole is trimmed.
    """

    def tidy(self, text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class Nonce(ma.fields.String):
    """An opaque printable string chosen by a client: no control character, no line break."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if control_characters.has_control(text) or any(c in text for c in "\t\n\r"):
            raise ma.ValidationError(MESSAGES[control_characters.MESSAGE])
        return text


class _Normalised(ma.fields.String):
    """A string run through one of the ``japan`` normalisers, whose ValueError becomes 422."""

    normaliser: Callable[[str], str]

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return type(self).normaliser(text)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from exc


class Furigana(_Normalised):
    normaliser = staticmethod(japan.normalise_furigana)


class CorporateNumber(_Normalised):
    normaliser = staticmethod(japan.normalise_corporate_number)


class PostalCode(_Normalised):
    normaliser = staticmethod(japan.normalise_postal_code)


class Phone(_Normalised):
    normaliser = staticmethod(japan.normalise_phone)


class PrefectureCode(ma.fields.Integer):
    """A JIS X 0401 code, 1–47; accepts "13", "１３" and 13 alike."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "description": "JIS X 0401 prefecture code, 1–47",
            "minimum": 1,
            "maximum": 47,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(strict=False, metadata=metadata, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ma.ValidationError("Give a prefecture code from 1 to 47.")
        try:
            return japan.prefecture(value).code
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from exc


class DateTime(ma.fields.AwareDateTime):
    """ISO 8601 in, shown in the display time zone out; a time without offset is Tokyo time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", default_timezone=TOKYO, **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(TOKYO).isoformat()


def one_of(values: Any) -> ma.validate.OneOf:
    return ma.validate.OneOf([v.value for v in values])
