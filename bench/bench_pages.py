"""Server time of the applications list page against the JSON list of the same applications.

Run: python bench/bench_pages.py [applications=100] [rounds=40]

Builds the app on a throw-away SQLite database (and also on PostgreSQL when
EVENTHUB_BENCH_DATABASE_URL is set: that database is migrated to head, and the bench's
editions are deleted again at the end), and through the API makes an open edition with
``applications`` submitted applications and one with 10. A reviewer then asks, through Flask's
test client in one process, in alternating rounds (so a busy neighbour slows both alike):

- the page ``GET /organiser/editions/<id>/applications?per_page=100`` (signed in by the page
  session cookie: the session row, the template, the filters' and the bulk form's controls);
- the JSON ``GET /api/v1/applications?edition_id=<id>&per_page=100`` (bearer token).

It prints the median time of each, their ratio (target: page ≤ 1.5× JSON), and the SQL
statements of one request of each for 10 and for ``applications`` applications (target: the
same count, no N+1). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.accounts import service as accounts
from eventhub.accounts.models import Role
from eventhub.events.models import Edition
from eventhub.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105 - a throw-away bench user's
PER_PAGE = 100
TARGET_RATIO = 1.5
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def build(database_url: str, instance: Path) -> Flask:
    os.environ.setdefault("SECRET_KEY", "eventhub-bench-secret-key")
    os.environ["EVENTHUB_INSTANCE_PATH"] = str(instance)
    # SMTP_PORT 9: nothing listens, so the receipts the submissions queue are never sent.
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": False, "SMTP_PORT": 9})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def _user(app: Flask, *roles: Role) -> tuple[str, dict[str, str]]:
    email = f"bench-{os.urandom(4).hex()}@example.jp"
    with app.app_context():
        user = accounts.create_user(email, PASSWORD, "ベンチ 利用者", verified=True)
        for role in roles:
            accounts.grant_role(user, role, None, None)
        db.session.commit()
    login = app.test_client().post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    return email, {"Authorization": f"Bearer {login.json['token']}"}  # type: ignore[index]


def _edition(client: FlaskClient, auth: dict[str, str], title: str) -> int:
    body = {
        "series": "takumi",
        "title_ja": title,
        "title_en": title,
        "starts_at": "2027-08-07T10:00:00+09:00",
        "ends_at": "2027-08-09T17:00:00+09:00",
        "format": "in_person",
    }
    edition_id = int(client.post("/api/v1/editions", headers=auth, json=body).json["id"])  # type: ignore[index]
    client.post(f"/api/v1/editions/{edition_id}/status", headers=auth, json={"status": "open"})
    return edition_id


def _apply(client: FlaskClient, auth: dict[str, str], edition_id: int, n: int) -> None:
    """``n`` submitted applications, each of an organisation of its own, as exhibitors apply."""
    for i in range(n):
        organisation = client.post(
            "/api/v1/organisations",
            headers=auth,
            json={
                "name": f"株式会社ベンチ工芸{edition_id}-{i}",
                "name_kana": "カブシキガイシャベンチコウゲイ",
                "kind": "company",
                "prefecture_code": 1 + i % 47,
                "postal_code": "100-0001",
                "address": "東京都千代田区千代田1-1",
                "phone": "03-1234-5678",
            },
        ).json
        body = {
            "organisation_id": organisation["id"],  # type: ignore[index]
            "contact_name": "山田 太郎",
            "contact_name_kana": "ヤマダ タロウ",
            "contact_email": f"taro{i}@example.jp",
            "contact_phone": "03-1234-5678",
            "summary_ja": "伝統の技を生かした製品を展示します。" * 3,
            "industry_category": "crafts",
            "booth_type": "standard",
            "booth_units": 1 + i % 3,
            "accept_terms": True,
            "series_fields": {"craft": "江戸切子", "traditional_craft": "江戸切子"},
        }
        created = client.post(
            f"/api/v1/editions/{edition_id}/applications", headers=auth, json=body
        ).json
        submitted = client.post(
            f"/api/v1/applications/{created['id']}/submit",  # type: ignore[index]
            headers=auth,
            json={},
        )
        assert submitted.status_code == 200, submitted.json


def setup(app: Flask, n: int) -> tuple[list[int], FlaskClient, dict[str, str]]:
    """Editions of 10 and ``n`` applications, and a reviewer signed in on pages and the API."""
    client = app.test_client()
    _, organiser = _user(app, Role.ORGANISER)
    _, exhibitor = _user(app)
    small, large = _edition(client, organiser, "ベンチ 10"), _edition(client, organiser, "ベンチ")
    _apply(client, exhibitor, small, 10)
    _apply(client, exhibitor, large, n)
    email, reviewer = _user(app, Role.REVIEWER)
    page_client = app.test_client()
    token = _CSRF.search(page_client.get("/login").get_data(as_text=True))
    assert token, "no CSRF token on the login page"
    signed_in = page_client.post(
        "/login", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    return [small, large], page_client, reviewer


def _page_url(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/applications?per_page={PER_PAGE}"


def _json_url(edition_id: int) -> str:
    return f"/api/v1/applications?edition_id={edition_id}&per_page={PER_PAGE}"


def statements_of(app: Flask, request: Callable[[], Any]) -> int:
    counted = 0

    def count(*_args: Any) -> None:
        nonlocal counted
        counted += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return counted


def run(label: str, database_url: str, n: int, rounds: int) -> bool:
    with tempfile.TemporaryDirectory() as instance:
        app = build(database_url, Path(instance))
        (small, large), page_client, reviewer = setup(app, n)
        api_client = app.test_client()

        def page(edition_id: int) -> Callable[[], Any]:
            def get() -> Any:
                response = page_client.get(_page_url(edition_id))
                assert response.status_code == 200, response.status_code
                return response

            return get

        def json(edition_id: int) -> Callable[[], Any]:
            def get() -> Any:
                response = api_client.get(_json_url(edition_id), headers=reviewer)
                assert response.status_code == 200, response.status_code
                return response

            return get

        listed = page(large)().get_data(as_text=True).count('name="items"')
        assert listed == min(n, PER_PAGE), listed
        assert len(json(large)().json["items"]) == min(n, PER_PAGE)
        times: dict[str, list[float]] = {"page": [], "json": []}
        for _ in range(3):  # warm: templates compiled, catalogues loaded, as a running server
            page(large)()
            json(large)()
        for _ in range(rounds):
            for name, request in (("page", page(large)), ("json", json(large))):
                start = time.perf_counter()
                request()
                times[name].append(time.perf_counter() - start)
        statements = {
            (kind, size): statements_of(app, make(edition_id))
            for kind, make in (("page", page), ("json", json))
            for size, edition_id in ((10, small), (n, large))
        }
        with app.app_context():
            db.session.execute(sa.delete(Edition).where(Edition.id.in_([small, large])))
            db.session.commit()
            db.engine.dispose()
    page_ms = statistics.median(times["page"]) * 1000
    json_ms = statistics.median(times["json"]) * 1000
    ratio = page_ms / json_ms
    ratio_ok = ratio <= TARGET_RATIO
    constant = all(statements[(kind, 10)] == statements[(kind, n)] for kind in ("page", "json"))
    print(f"{label}: {n} applications, {rounds} alternating rounds")
    print(f"    page: median {page_ms:7.1f} ms")
    print(f"    json: median {json_ms:7.1f} ms")
    verdict = "ok" if ratio_ok else "MISS"
    print(f"    ratio: page/json = {ratio:.2f} (target ≤ {TARGET_RATIO}) {verdict}")
    for kind in ("page", "json"):
        print(
            f"    SQL statements, {kind}: {statements[(kind, 10)]} for 10, "
            f"{statements[(kind, n)]} for {n}"
        )
    print(f"    statements constant: {'ok' if constant else 'MISS'}")
    return ratio_ok and constant


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 100
    rounds = int(argv[2]) if len(argv) > 2 else 40
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok = run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", n, rounds) and ok
    url = os.environ.get("EVENTHUB_BENCH_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        ok = run("PostgreSQL", url, n, rounds) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
