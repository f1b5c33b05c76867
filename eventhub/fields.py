"""Marshmallow fields: free text kept as written, identifiers normalised, clear errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import marshmallow as ma

from eventhub import control_characters, japan
from eventhub.japan import patterns
from eventhub.messages import MESSAGES

TOKYO = ZoneInfo("Asia/Tokyo")


#: What the OpenAPI document says of every string a request carries (no control character:
#: ``eventhub.control_characters``), as a JSON Schema pattern; eventhub.openapi adds it to
#: every string property that has no pattern, format or enum of its own.
NO_CONTROLS = f"^[^{control_characters.PATTERN_CLASS}]*$"
#: Text that is not blank: one character at least that is neither a space nor a control.
_NOT_BLANK = (
    f"^[^{control_characters.PATTERN_CLASS}]*"
    f"[^{control_characters.PATTERN_CLASS}{patterns.SPACES[1:-1]}]"
    f"[^{control_characters.PATTERN_CLASS}]*$"
)

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

    #: Keywords the OpenAPI document adds to the field's property (eventhub.openapi).
    openapi: ClassVar[dict[str, Any]] = {"pattern": _NOT_BLANK}

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

    openapi: ClassVar[dict[str, Any]] = {
        "pattern": f"^[^{control_characters.PATTERN_CLASS}\\u0009\\u000a\\u000d]*$"
    }

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if control_characters.has_control(text) or any(c in text for c in "\t\n\r"):
            raise ma.ValidationError(MESSAGES[control_characters.MESSAGE])
        return text


class _Normalised(ma.fields.String):
    """A string run through one of the ``japan`` normalisers, whose ValueError becomes 422.

    ``openapi`` is what the OpenAPI document states of it (eventhub.openapi adds it to the
    field's property): the pattern derived from the normaliser, or a description where no
    pattern can say it.
    """

    normaliser: Callable[[str], str]
    openapi: ClassVar[dict[str, Any]] = {}

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
    openapi: ClassVar[dict[str, Any]] = {
        "pattern": patterns.FURIGANA,
        "description": "A reading (フリガナ) in kana: katakana or hiragana, full- or half-width, "
        "with spaces between words. Stored and answered in full-width katakana with single "
        "spaces (とうきょう　たろう → トウキョウ タロウ); the length counts that form.",
        "example": "トウキョウ タロウ",
    }


class CorporateNumber(_Normalised):
    normaliser = staticmethod(japan.normalise_corporate_number)
    openapi: ClassVar[dict[str, Any]] = {
        "pattern": patterns.CORPORATE_NUMBER,
        "description": "A corporate number (法人番号): 13 digits, full- or half-width, spaces "
        "and hyphens allowed. Its first digit is the check digit of the other twelve, so a "
        "number with a typo is refused (422 `validation_failed` naming this field). Stored and "
        "answered as 13 digits.",
        "example": "7000012050002",
    }


class PostalCode(_Normalised):
    normaliser = staticmethod(japan.normalise_postal_code)
    openapi: ClassVar[dict[str, Any]] = {
        "pattern": patterns.POSTAL_CODE,
        "description": "A Japanese postal code: 7 digits, full- or half-width, with a hyphen "
        "after the third if you like and 〒 before them. Stored and answered as 100-0001.",
        "example": "100-0001",
    }


class Phone(_Normalised):
    normaliser = staticmethod(japan.normalise_phone)
    # No pattern: what is a valid number is the phonenumbers library's (libphonenumber's)
    # metadata, number ranges by country and kind, which no pattern here could follow.
    openapi: ClassVar[dict[str, Any]] = {
        "description": "A phone number: a Japanese one written nationally (03-1234-5678, "
        "0312345678, (03)1234-5678, full-width digits too) or with +81, or a foreign one "
        "starting with + and its country code. Digits, spaces, hyphens, dots and brackets "
        "only, no extension; the number must be a valid one for its country by libphonenumber's "
        "numbering plans (a number that is not is refused with 422 `validation_failed` naming "
        "this field). Stored and answered as 03-1234-5678 (Japan, national format) or in "
        "E.164 (+442079460958).",
        "example": "03-1234-5678",
    }


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


class DraftPart(ma.Schema):
    """A part of a form that a draft may leave incomplete: loaded partially until the form is
    submitted, so its required fields are required *to submit*.

    The OpenAPI document lists them as ``x-required-to-submit``, not as ``required``, since a
    draft is sent and answered without them. ``openapi`` holds keywords the document adds to
    the schema's component (eventhub.openapi).
    """

    openapi: ClassVar[dict[str, Any]] = {}


class OneOfSchemas(ma.fields.Dict):
    """A JSON object following one of several schemas, which one decided by something outside
    it (an application's ``series_fields``, by its edition's series). Loaded as it is and
    validated by the service; documented as ``oneOf`` the schemas' components, with the empty
    object as a branch of its own when ``empty`` describes it.

    For a validator to find exactly one branch, the schemas must exclude each other: no property
    in common, no other property allowed, at least one property (``DraftPart.openapi``).
    """

    def __init__(
        self, schemas: Sequence[type[ma.Schema]], *, empty: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(keys=ma.fields.String(), **kwargs)
        self.schemas = tuple(schemas)
        self.empty = empty
