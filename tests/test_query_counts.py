"""The SQL statements of hot paths, pinned: a change that adds a statement to every scan, or
one per listed item (N+1), fails here and lists the statements it now sends.

When a count changes on purpose, change the constant here and say why in the commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from flask import Flask

from eventhub.extensions import db
from tests.applications.helpers import (
    APPLICATIONS,
    make_organisation,
    open_edition,
    submitted_application,
)
from tests.checkin.gate_helpers import (
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    make_gate,
    result,
    scan,
)
from tests.conftest import Api, Statements

Counter = Callable[[], contextlib.AbstractContextManager[Statements]]

#: SQLite: the pass and its presence read in one indexed lookup, the presence changed by one
#: conditional upsert, the scan inserted.
SCAN_STATEMENTS_SQLITE = 3
#: PostgreSQL: the lookup, then one statement that changes the presence and inserts the scan.
SCAN_STATEMENTS_POSTGRESQL = 2
#: The token, its user's roles and memberships, the count of the page, the page itself.
LIST_STATEMENTS = 5


@contextlib.contextmanager
def driver_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[Statements]:
    """Every statement psycopg sends, SQLAlchemy's and those of the scan batch, which runs on
    a driver connection of its own and so passes the engine's events by."""
    counted = Statements()
    execute = psycopg.Cursor.execute

    def counting(cursor: psycopg.Cursor[Any], query: Any, *args: Any, **kw: Any) -> Any:
        counted.statements.append(query.decode() if isinstance(query, bytes) else str(query))
        return execute(cursor, query, *args, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counting)
        yield counted


def test_a_device_scan_admits_a_pass_in_a_pinned_number_of_statements(
    app: Flask, organiser: Api, count_queries: Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition = open_edition(organiser)
    gate = make_gate(organiser, edition["id"])
    device = make_device(organiser, edition["id"], gate["id"])
    first = issue_pass(app, edition["id"])
    issued = issue_pass(app, edition["id"])
    # The device's first scan also loads the device (then cached, as the key ring is).
    assert result(scan(device, first.token)) == "admitted"
    with app.app_context():
        dialect = db.engine.dialect.name

    if dialect == "postgresql":
        with count_queries() as engine, driver_statements(monkeypatch) as sent:
            response = scan(device, issued.token)
        assert result(response) == "admitted"
        assert engine.count == 0, engine  # the whole scan goes through the batch
        assert sent.count == SCAN_STATEMENTS_POSTGRESQL, sent
    else:
        with count_queries() as counted:
            response = scan(device, issued.token)
        assert result(response) == "admitted"
        assert counted.count == SCAN_STATEMENTS_SQLITE, counted


def test_the_applications_list_costs_as_many_statements_for_20_as_for_1(
    organiser: Api, exhibitor: Api, count_queries: Counter
) -> None:
    edition = open_edition(organiser, "takumi")

    def apply(count: int) -> None:
        for _ in range(count):
            organisation = make_organisation(exhibitor)
            submitted_application(exhibitor, edition, organisation["id"])

    def listed(expected: int) -> Statements:
        with count_queries() as counted:
            response = organiser.get(APPLICATIONS)
        assert response.status_code == 200, response.json
        assert len(response.json["items"]) == expected
        return counted

    apply(1)
    one = listed(1)
    apply(19)
    twenty = listed(20)

    assert one.count == LIST_STATEMENTS, one
    assert twenty.count == LIST_STATEMENTS, twenty
