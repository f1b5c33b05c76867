"""Fixtures for the personal-data tests: those of the passes tests, which these build on."""

from __future__ import annotations

from tests.pages.conftest import make_reader
from tests.passes.conftest import _fresh_key_rings, edition, lost_tasks

__all__ = ["_fresh_key_rings", "edition", "lost_tasks", "make_reader"]
