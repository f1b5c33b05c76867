"""Without a mail server (no SMTP_HOST) mail is kept as .eml files in the instance folder, and
``eventhub mails`` lists the latest with their links; links follow the address the app is
served at when EVENTHUB_BASE_URL is not set."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

import pytest

from tests.conftest import Api
from tests.passes.helpers import open_edition, path_of, register, registration_body

SERVED_AT = "http://127.0.0.1:5123"


@pytest.fixture
def trial(app, monkeypatch, tmp_path):
    """The embedded default as a trial has it: no mail server, no EVENTHUB_BASE_URL."""
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "MAIL_DIR", tmp_path / "mail")
    monkeypatch.setitem(app.config, "EVENTHUB_BASE_URL", None)
    return tmp_path / "mail"


def test_a_pass_mail_is_kept_and_listed_with_a_link_to_where_the_app_runs(
    trial, app, organiser, client
):
    edition = open_edition(organiser)
    # As the app answers when `eventhub run --port 5123` serves it.
    response = client.post(
        f"/api/v1/editions/{edition['id']}/registrations",
        json=registration_body(email="hanako@example.jp"),
        base_url=SERVED_AT,
    )
    assert response.status_code == 201, response.json
    pass_id = response.json["pass"]["id"]

    (kept,) = trial.glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(kept.read_bytes())
    assert message["To"] == "hanako@example.jp"
    listed = app.test_cli_runner().invoke(args=["eventhub", "mails", "--to", "hanako@example.jp"])
    assert listed.exit_code == 0, listed.output
    assert message["Subject"] in listed.output
    link = re.search(rf"{re.escape(SERVED_AT)}/passes/{pass_id}\?key=\S+", listed.output)
    assert link, listed.output
    page = client.get(path_of(link[0]))
    assert page.status_code == 200
    assert "佐藤 花子" in page.get_data(as_text=True)


def test_the_latest_mails_come_first_and_count_is_kept(trial, app, organiser):
    edition = open_edition(organiser)
    for n in range(3):
        register(Api(app.test_client()), edition["id"], email=f"visitor{n}@example.jp")

    listed = app.test_cli_runner().invoke(args=["eventhub", "mails", "-n", "2"]).output

    recipients = re.findall(r"to (visitor\d@example.jp)", listed)
    assert recipients == ["visitor2@example.jp", "visitor1@example.jp"]


def test_with_a_mail_server_nothing_is_kept(app, organiser, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_DIR", tmp_path / "mail")
    edition = open_edition(organiser)
    register(Api(app.test_client()), edition["id"])

    assert not (tmp_path / "mail").exists()
    listed = app.test_cli_runner().invoke(args=["eventhub", "mails"]).output
    assert "SMTP_HOST=127.0.0.1" in listed


def test_a_configured_base_url_wins_over_the_request_host(trial, app, organiser, client):
    app.config["EVENTHUB_BASE_URL"] = "https://eventhub.example.jp"  # trial puts it back
    edition = open_edition(organiser)

    response = client.post(
        f"/api/v1/editions/{edition['id']}/registrations",
        json=registration_body(),
        base_url="http://attacker.example:5123",
    )

    assert response.status_code == 201, response.json
    listed = app.test_cli_runner().invoke(args=["eventhub", "mails"]).output
    assert "https://eventhub.example.jp/passes/" in listed
    assert "attacker.example" not in listed
