"""Marshmallow fields for Japanese input: normalised on the way in, clear errors when wrong."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from eventhub import japan

TOKYO = ZoneInfo("Asia/Tokyo")


class Text(ma.fields.String):
    """NFKC-normalised text with whitespace collapsed; blank counts as missing."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        if max_length is not None:
            kwargs.setdefault("validate", ma.validate.Length(min=1, max=max_length))
        else:
            kwargs.setdefault("validate", ma.validate.Length(min=1))
        super().__init__(**kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        return japan.normalise(super()._deserialize(value, attr, data, **kwargs))


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
