from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.applications.helpers import open_edition
from tests.conftest import Api
from tests.pages.conftest import Reader


@pytest.fixture
def exhibitor_page(make_reader: Callable[..., Reader]) -> Reader:
    """An exhibitor in a browser, signed in."""
    return make_reader()


@pytest.fixture
def takumi(organiser: Api) -> dict[str, Any]:
    return open_edition(organiser, "takumi")


@pytest.fixture
def open_editions(organiser: Api) -> dict[str, dict[str, Any]]:
    """One open edition of each series."""
    return {
        slug: open_edition(organiser, slug, title_ja=f"{slug} 展 2027")
        for slug in ("national-zone", "takumi", "mokucolle")
    }
