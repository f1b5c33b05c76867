"""Requests of the reports API shared by its tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

REPORTS = "/api/v1/reports"
PAST = f"{REPORTS}/past-figures"
BUILDS = f"{REPORTS}/builds"


def import_csv(api: Api, text: str | bytes, bom: bool = True) -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if bom and isinstance(text, str):
        data = b"\xef\xbb\xbf" + data
    return api.post(f"{PAST}/import", data=data, headers={"Content-Type": "text/csv"})
