"""Test fixtures: the app on a migrated database, API clients with tokens, and a real worker.

By default the suite runs on SQLite with eager tasks. EVENTHUB_TEST_DATABASE_URL points it at
PostgreSQL instead. Tests marked ``service`` always use PostgreSQL, Redis and a Celery worker
process started here; when one of them is missing they fail with what to start, never skip.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from eventhub import create_app, rate_limits
from eventhub.accounts import service as accounts
from eventhub.accounts.models import Role
from eventhub.config import RATE_LIMIT_DEFAULTS
from eventhub.extensions import db
from tests import services
from tests.contract import ContractClient

os.environ.setdefault("SECRET_KEY", "eventhub-test-secret-key")

# The suite shares two cores with PostgreSQL, Redis, a worker and browsers: slow example
# generation or a slow example says nothing about the property, so neither fails a test
# (the examples and their number stay as each test sets them).
hypothesis.settings.register_profile(
    "eventhub",
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)
hypothesis.settings.load_profile("eventhub")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the suite's database (the `app` fixture): the second "
        "CI run, on PostgreSQL, skips what the first run already proved independent of it",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    keep = [item for item in items if "app" in getattr(item, "fixturenames", ())]
    dropped = [item for item in items if "app" not in getattr(item, "fixturenames", ())]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


#: Tables that migrations seed and tests only read.
SEEDED_TABLES = {"alembic_version", "series"}
PASSWORD = "correct horse battery"


def _make_app(database_url: str, instance: Path, **extra: Any) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "EVENTHUB_BASE_URL": "https://eventhub.test",
            # Nothing listens there: mails queued by eager tests are refused, never delivered.
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 9,
            # Limits stay on, but wide: a test makes many logins and sign-ups from one address.
            # tests/test_rate_limits.py narrows each one it checks.
            **dict.fromkeys(RATE_LIMIT_DEFAULTS, "1000 per minute"),
            # The suite's editions are held in 2027 and its scans dated on their days: devices'
            # clocks may run ahead, but not that far (tests/checkin/test_scan_time.py narrows
            # it to the default and sets the server's clock).
            "EVENTHUB_SCAN_CLOCK_SKEW_SECONDS": 10 * 366 * 24 * 3600.0,
            **extra,
        }
    )
    # Every answer of the API that a test receives is checked against the OpenAPI document.
    app.test_client_class = ContractClient
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
    url = os.environ.get("EVENTHUB_TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite3'}"
    if url.startswith("postgres"):
        url = services.fresh_postgres_database(services.per_worker_database(url))
    app = _make_app(url, instance)
    with app.app_context():
        services.migrate_to_head()
    yield app
    with app.app_context():
        db.engine.dispose()
    if url.startswith("postgres"):
        services.drop_postgres_database(url)


@pytest.fixture(autouse=True)
def _clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        rate_limits.limiter_of(app).reset()  # each test starts with every budget whole
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in SEEDED_TABLES]
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Statements:
    """The SQL statements a block executed on the app's engine, in order."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        lines = (f"{n}. {' '.join(s.split())}" for n, s in enumerate(self.statements, 1))
        return f"{self.count} statements:\n" + "\n".join(lines)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], contextlib.AbstractContextManager[Statements]]:
    """``with count_queries() as counted:`` records every statement the block sends through
    the engine (SQLAlchemy's ``before_cursor_execute``); ``counted.count`` is their number and
    ``str(counted)`` lists them, for a failure message that shows what changed.

    Work done on a driver connection directly (psycopg's cursor, the PostgreSQL scan batch)
    passes the engine by and is not counted.
    """
    with app.app_context():
        engine = db.engine

    @contextlib.contextmanager
    def counting() -> Iterator[Statements]:
        counted = Statements()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counted.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield counted
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting


class Api:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, client: FlaskClient, token: str | None = None, user_id: int = 0) -> None:
        self.client = client
        self.token = token
        self.user_id = user_id

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = {"Accept-Language": "en"}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        out.update(headers or {})
        return out

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.post(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def patch(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.patch(
            url, json=json, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def put(self, url: str, json: Any = None, **kw: Any) -> Any:
        return self.client.put(url, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, url: str, **kw: Any) -> Any:
        return self.client.delete(url, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def make_user(app: Flask, client: FlaskClient) -> Callable[..., Api]:
    """A user with the given roles, logged in through the API; its email is verified unless
    ``verified=False``. Gate staff work at ``edition_id``."""
    counter = iter(range(1, 10_000))

    def make(
        *roles: Role,
        prefecture_code: int | None = None,
        email: str | None = None,
        verified: bool = True,
        edition_id: int | None = None,
    ) -> Api:
        email = email or f"user{next(counter)}@example.jp"
        with app.app_context():
            user = accounts.create_user(email, PASSWORD, "テスト ユーザー", verified=verified)
            for role in roles:
                code = prefecture_code if role == Role.PREFECTURE_CONTACT else None
                if role == Role.GATE_STAFF:  # gate staff work at one edition
                    assert edition_id is not None, "gate staff need edition_id"
                    accounts.grant_role(user, role, None, None, edition_id)
                    continue
                accounts.grant_role(user, role, code, None)
            db.session.commit()
            user_id = user.id
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 201, response.json
        return Api(client, response.json["token"], user_id)

    return make


@pytest.fixture
def anonymous(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def organiser(make_user: Callable[..., Api]) -> Api:
    return make_user(Role.ORGANISER)


@pytest.fixture
def exhibitor(make_user: Callable[..., Api]) -> Api:
    return make_user()


# Service tests: PostgreSQL, Redis and a real worker process ---------------------------------


@pytest.fixture(scope="session")
def service_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.Stack]:
    with services.running_stack(tmp_path_factory.mktemp("service")) as stack:
        yield stack


@pytest.fixture(scope="session")
def service_app(service_stack: services.Stack) -> Flask:
    return _make_app(
        service_stack.database_url,
        service_stack.instance,
        CELERY={"broker_url": service_stack.redis_url, "task_always_eager": False},
        REDIS_URL=service_stack.redis_url,
        RATELIMIT_STORAGE_URI=service_stack.redis_url,
        **services.FAST_WAITS,  # as the worker has them
    )


@pytest.fixture
def service_organiser(service_app: Flask) -> Api:
    client = service_app.test_client()
    email = f"organiser-{os.urandom(4).hex()}@example.jp"
    with service_app.app_context():
        user = accounts.create_organiser(email, PASSWORD, "サービス 主催者")
        db.session.commit()
        user_id = user.id
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"], user_id)
