"""Models are typed: mypy, with the project's settings, refuses a misspelt attribute."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mypy import api as mypy_api

from eventhub import models  # noqa: F401  (every area's models, mapped)
from eventhub.extensions import Model, db

ROOT = Path(__file__).resolve().parents[1]

PROBE = """\
from eventhub.accounts.models import User

User().emial
User().email
"""


# Slow when cold: mypy analyses the models and everything they import, SQLAlchemy and Flask
# included (about 40 s on two busy cores). Seeded with the checkout's own mypy cache, left
# by `mypy` before the tests (as CI does), it rechecks only what changed (a few seconds).
@pytest.mark.slow
def test_mypy_refuses_a_misspelt_model_attribute(tmp_path, monkeypatch):
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    cache = tmp_path / "mypy-cache"
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", cache)  # a copy: the test never writes to it
    # This checkout's eventhub, wherever pytest runs from and whichever copy is installed.
    monkeypatch.setenv("MYPYPATH", str(ROOT))
    out, err, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            str(probe),
        ]
    )
    assert err == ""
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert len(errors) == 1, out
    assert errors[0].startswith(f"{probe}:3: error: "), out
    assert '"User" has no attribute "emial"' in errors[0]
    assert errors[0].endswith("[attr-defined]")
    assert status == 1


def test_models_are_flask_sqlalchemy_models_at_runtime():
    # Model is only a name mypy can follow: at runtime every model is still a db.Model, with
    # the one metadata (and its naming convention) that the migrations are compared with.
    assert Model is db.Model
    mapped = [mapper.class_ for mapper in db.Model.registry.mappers]
    for cls in mapped:
        assert issubclass(cls, db.Model), cls
        assert cls.metadata is db.metadata, cls
    assert {cls.__table__ for cls in mapped} == set(db.metadata.tables.values())
