"""The migrations travel in the wheel as ``eventhub/migrations``.

They stay at the top of the repository (``migrations/``, where Flask-Migrate and Alembic keep
them); building copies them into the package, so that an installed eventhub can create and
upgrade its schema (``eventhub db upgrade``). Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class BuildWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        # An editable install reads migrations/ where it is (eventhub._migrations_directory).
        if not self.editable_mode:
            shutil.copytree(
                MIGRATIONS,
                Path(self.build_lib) / "eventhub" / "migrations",
                ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"),
                dirs_exist_ok=True,
            )


setup(cmdclass={"build_py": BuildWithMigrations})
