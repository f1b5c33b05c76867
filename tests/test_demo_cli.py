"""The ``flask eventhub`` commands: demo data and the first organiser."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventhub.demo import DEMO_EMAIL, DEMO_PASSWORD
from eventhub.events.models import Edition, TimetableSession
from eventhub.extensions import db
from tests.conftest import Api

LOGIN = "/api/v1/auth/login"


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


def _login(client, email, password):
    response = client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 201, response.json
    return Api(client, response.json["token"])


def _counts(app):
    with app.app_context():
        editions = db.session.scalar(sa.select(sa.func.count()).select_from(Edition))
        sessions = db.session.scalar(sa.select(sa.func.count()).select_from(TimetableSession))
    return editions, sessions


def test_demo_loads_an_edition_of_each_series_with_timetables(app, cli, client):
    result = cli.invoke(args=["eventhub", "demo"])

    assert result.exit_code == 0, result.output
    assert "3 edition(s) added" in result.output
    # FY2026's three, the next of each series ahead of today, one running today and one held
    # last month.
    assert _counts(app) == (8, 24)
    editions = client.get("/api/v1/editions").json["items"]
    fy2026 = [e for e in editions if e["fiscal_year"] == 2026 and "demo" not in e["title_en"]]
    assert sorted(e["series"]["slug"] for e in fy2026) == ["mokucolle", "national-zone", "takumi"]
    # The gate and report demos (titled "demo") have no timetable; every series edition has one.
    for edition in (e for e in editions if "demo" not in e["title_en"]):
        assert client.get(f"/api/v1/editions/{edition['id']}/sessions").json["total"] > 0


def test_demo_prints_credentials_that_log_in_as_an_organiser(cli, client):
    result = cli.invoke(args=["eventhub", "demo"])

    assert DEMO_EMAIL in result.output
    assert DEMO_PASSWORD in result.output
    organiser = _login(client, DEMO_EMAIL, DEMO_PASSWORD)
    me = organiser.get("/api/v1/users/me").json
    assert [r["role"] for r in me["roles"]] == ["organiser"]
    assert me["email_verified"] is True  # demo and CLI accounts need no mailed link


def test_demo_people_can_use_their_pages(cli, client):
    """Each kind of user of the demo has something to click: an open edition, applications,
    one to endorse, and a pass whose page opens from the printed link."""
    output = cli.invoke(args=["eventhub", "demo"]).output
    editions = client.get("/api/v1/editions?status=open").json["items"]
    now = datetime.now(UTC)
    open_now = [
        e
        for e in editions
        if datetime.fromisoformat(e["applications_open_at"])
        <= now
        < datetime.fromisoformat(e["applications_close_at"])
    ]
    assert {e["series"]["slug"] for e in open_now} == {"mokucolle", "national-zone", "takumi"}

    exhibitor = _login(client, "exhibitor@example.jp", DEMO_PASSWORD)
    mine = exhibitor.get("/api/v1/applications").json["items"]
    assert sorted(a["status"] for a in mine) == ["draft", "submitted", "submitted"]

    contact = _login(client, "tokyo@example.jp", DEMO_PASSWORD)
    assert contact.get("/api/v1/applications").json["total"] >= 1

    pass_link = next(line for line in output.splitlines() if "pass:" in line).split()[-1]
    path = pass_link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert "佐藤 花子" in page.get_data(as_text=True)


def test_demo_twice_adds_nothing_new(app, cli):
    cli.invoke(args=["eventhub", "demo"])
    before = _counts(app)

    result = cli.invoke(args=["eventhub", "demo"])

    assert result.exit_code == 0, result.output
    assert "0 edition(s) added" in result.output
    assert _counts(app) == before


def _create_organiser(cli, email, password):
    args = ["eventhub", "create-organiser", "--email", email, "--name", "X"]
    return cli.invoke(args=[*args, "--password", password])


def test_create_organiser_makes_an_account_that_can_create_editions(cli, client):
    result = _create_organiser(cli, "x@example.jp", "a-long-enough-password")

    assert result.exit_code == 0, result.output
    assert "x@example.jp" in result.output
    organiser = _login(client, "x@example.jp", "a-long-enough-password")
    response = organiser.post(
        "/api/v1/editions",
        json={
            "series": "mokucolle",
            "title_ja": "モクコレ2027",
            "title_en": "Mokucolle 2027",
            "starts_at": "2027-01-27T10:00",
            "ends_at": "2027-01-28T17:00",
            "format": "in_person",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["fiscal_year"] == 2026


def test_create_organiser_refuses_a_short_password(cli, client):
    result = _create_organiser(cli, "y@example.jp", "short")

    assert result.exit_code != 0
    assert "10 characters" in result.output
    response = client.post(LOGIN, json={"email": "y@example.jp", "password": "short"})
    assert response.status_code == 401


def test_the_demo_has_an_edition_running_today_where_a_scan_is_admitted(app, cli, client):
    result = cli.invoke(args=["eventhub", "demo"])
    assert result.exit_code == 0, result.output
    token = re.search(r"gate device token (\S+)", result.output).group(1)
    pass_link = re.search(r"pass for today: \S+/passes/(\d+)\?key=(\S+)", result.output)
    shown = client.get(f"/api/v1/passes/{pass_link[1]}", headers={"X-Pass-Key": pass_link[2]})
    assert shown.status_code == 200, shown.json

    scanned = client.post(
        "/api/v1/device/scans",
        json={"token": shown.json["token"], "direction": "entry", "nonce": "demo-1"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert scanned.status_code == 200, scanned.json
    assert scanned.json["result"] == "admitted"


def test_the_demo_has_an_edition_held_last_month_with_a_built_report(app, cli, client):
    result = cli.invoke(args=["eventhub", "demo"])
    assert result.exit_code == 0, result.output
    assert re.search(r"held last month: .*24 visitors; report FY\d+ build \d+: done", result.output)
