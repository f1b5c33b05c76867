"""Changing SECRET_KEY with the old one in SECRET_KEY_FALLBACKS: passes, mailed links, page
sessions and forms keep working; ``reencrypt-keys`` moves the signing keys to the new secret."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from eventhub import create_app
from eventhub.extensions import db
from eventhub.passes import signing
from eventhub.passes.models import SigningKey
from tests.checkin.gate_helpers import make_device, make_gate, scan
from tests.conftest import Api
from tests.pages.conftest import Reader, make_reader, text_of
from tests.passes.conftest import _fresh_key_rings, edition
from tests.passes.helpers import get_pass, mails_to, path_of, register

__all__ = ["_fresh_key_rings", "edition", "make_reader"]

OLD = "eventhub-test-secret-key"  # the suite's SECRET_KEY (tests/conftest.py)
NEW = "a-brand-new-secret-key-for-eventhub"
DURING = "2027-10-28T11:00:00+09:00"  # the edition fixture's first day
_PAGE_LINK = re.compile(r"https://eventhub\.test(/passes/\d+\?key=[\w-]+)")


def _use(monkeypatch: pytest.MonkeyPatch, app: Flask, secret: str, fallbacks: list[str]) -> None:
    monkeypatch.setitem(app.config, "SECRET_KEY", secret)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", fallbacks)
    # Each process caches decrypted rings; a restarted process with the new settings has none.
    signing.forget()


def _mailed_link(app: Flask, address: str) -> str:
    found = _PAGE_LINK.search(mails_to(app, address)[-1].body_text)
    assert found, "the pass mail carries the pass page's link"
    return found.group(1)


def _registered(app: Flask, anonymous: Api, edition_id: int, email: str) -> tuple[int, str]:
    """A new registration's pass id, and the link its mail carries."""
    pass_id = register(anonymous, edition_id, email=email)["pass"]["id"]
    return pass_id, _mailed_link(app, email)


def _reencrypt(app: Flask) -> Any:
    return app.test_cli_runner().invoke(args=["eventhub", "reencrypt-keys"])


def _stored_blobs(app: Flask) -> list[bytes]:
    with app.app_context():
        return list(db.session.scalars(db.select(SigningKey.private_key_encrypted)))


def test_rotation_with_a_fallback_keeps_passes_and_links_then_moves_the_keys(
    app, monkeypatch, anonymous, organiser, edition
):
    device = make_device(organiser, edition["id"], make_gate(organiser, edition["id"])["id"])
    first_id, first_link = _registered(app, anonymous, edition["id"], "first@example.jp")
    first_token = get_pass(organiser, first_id)["token"]
    assert anonymous.get(first_link).status_code == 200
    blobs_under_old = _stored_blobs(app)

    _use(monkeypatch, app, NEW, [OLD])

    assert anonymous.get(first_link).status_code == 200
    qr = get_pass(organiser, first_id)["links"]["png"]
    assert anonymous.get(path_of(qr)).status_code == 200
    assert scan(device, first_token, at=DURING).json["result"] == "admitted"
    second_id, second_link = _registered(app, anonymous, edition["id"], "second@example.jp")
    assert get_pass(organiser, second_id)["state"] == "issued"
    assert second_link != first_link.replace(str(first_id), str(second_id))
    assert anonymous.get(second_link).status_code == 200

    moved = _reencrypt(app)
    assert moved.exit_code == 0, moved.output
    assert "signing keys re-encrypted: 1; already under SECRET_KEY: 0; unreadable: 0" in (
        moved.output
    )
    assert _stored_blobs(app) != blobs_under_old
    again = _reencrypt(app)
    assert "signing keys re-encrypted: 0; already under SECRET_KEY: 1; unreadable: 0" in (
        again.output
    )

    _use(monkeypatch, app, NEW, [])

    second_token = get_pass(organiser, second_id)["token"]
    assert scan(device, second_token, at=DURING).json["result"] == "admitted"
    third_id, third_link = _registered(app, anonymous, edition["id"], "third@example.jp")
    assert get_pass(organiser, third_id)["state"] == "issued"
    assert anonymous.get(third_link).status_code == 200
    assert anonymous.get(second_link).status_code == 200
    # A link made under a secret no longer read ends with it, as a leaked secret's must.
    assert anonymous.get(first_link).status_code == 404


def test_without_the_fallback_old_links_fail_cleanly_and_the_cli_says_why(
    app, monkeypatch, anonymous, organiser, edition
):
    pass_id, link = _registered(app, anonymous, edition["id"], "visitor@example.jp")
    qr = get_pass(organiser, pass_id)["links"]["png"]

    _use(monkeypatch, app, NEW, [])

    page = anonymous.get(link)
    assert page.status_code == 404
    assert "text/html" in page.content_type
    image = anonymous.get(path_of(qr))
    assert (image.status_code, image.json["code"]) == (404, "not_found")
    refused = _reencrypt(app)
    assert refused.exit_code == 1
    assert "unreadable: 1" in refused.output
    assert "SECRET_KEY_FALLBACKS" in refused.output


def test_page_sessions_and_forms_survive_the_change(app, make_reader):
    reader = make_reader()
    token = reader.csrf_token("/account")
    cookie = reader.client.get_cookie("eventhub_session")
    assert cookie is not None

    rotated = create_app(
        {
            **{k: app.config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI")},
            "EVENTHUB_BASE_URL": "https://eventhub.test",
            "SECRET_KEY": NEW,
            "SECRET_KEY_FALLBACKS": [OLD],
        }
    )
    browser = Reader(rotated.test_client(), reader.user_id, reader.email)
    browser.client.set_cookie("eventhub_session", cookie.value)

    assert reader.email in text_of(browser.get("/account"))
    saved = browser.client.post(
        "/account", data={"csrf_token": token, "display_name": "新しい 名前", "locale": "ja"}
    )
    assert saved.status_code == 302, text_of(saved)

    # Without the old secret, the same cookie is no session and the same form is refused.
    forgetful = create_app(
        {
            **{k: app.config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI")},
            "SECRET_KEY": NEW,
            "SECRET_KEY_FALLBACKS": [],
        }
    )
    stranger = forgetful.test_client()
    stranger.set_cookie("eventhub_session", cookie.value)
    assert stranger.get("/account").status_code == 302  # to the login page
    with rotated.app_context():
        db.engine.dispose()
    with forgetful.app_context():
        db.engine.dispose()


def test_without_the_fallback_signing_answers_503_and_the_log_says_what_to_do(
    app, monkeypatch, anonymous, organiser, edition, caplog
):
    device = make_device(organiser, edition["id"], make_gate(organiser, edition["id"])["id"])
    pass_id, _ = _registered(app, anonymous, edition["id"], "visitor@example.jp")
    token = get_pass(organiser, pass_id)["token"]

    _use(monkeypatch, app, NEW, [])

    scanned = scan(device, token, at=DURING)
    keys = device.get("/api/v1/device/keys")
    for answer in (scanned, keys):
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.mimetype == "application/problem+json"
        assert answer.json["code"] == "signing_keys_unreadable"
        assert "SECRET_KEY_FALLBACKS" in answer.json["title"]
    in_japanese = device.get("/api/v1/device/keys", headers={"Accept-Language": "ja"})
    assert "署名鍵" in in_japanese.json["title"]
    logged = [r for r in caplog.records if r.getMessage().startswith("signing key unreadable")]
    assert logged, "the operator is told in the log"
    assert "SECRET_KEY_FALLBACKS" in logged[0].getMessage()
    assert "reencrypt-keys" in logged[0].getMessage()

    # The old secret back among the fallbacks: everything works again, nothing was lost.
    _use(monkeypatch, app, NEW, [OLD])
    assert scan(device, token, at=DURING).json["result"] == "admitted"
