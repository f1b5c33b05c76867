"""The application form per series, drafts, submission, the application page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from eventhub.extensions import db
from eventhub.notifications.models import OutgoingMail
from tests.applications.helpers import (
    application_url,
    decide,
    open_edition,
    start_review,
)
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of
from tests.pages.exhibitor.helpers import (
    application_form,
    location_id,
    post_pairs,
    register_organisation,
)

HELP = {
    "national-zone": "都道府県推薦",
    "takumi": "伝統的工芸品",
    "mokucolle": "産地",
}


@pytest.mark.parametrize("series", ["national-zone", "takumi", "mokucolle"])
def test_each_series_form_has_its_fields_with_help(
    exhibitor_page: Reader, open_editions: dict[str, Any], series: str
) -> None:
    register_organisation(exhibitor_page)
    edition = open_editions[series]
    dashboard = text_of(exhibitor_page.get("/my/"))
    assert f"/editions/{edition['id']}/apply" in dashboard

    response = exhibitor_page.get(f"/editions/{edition['id']}/apply")
    assert response.status_code == 200
    body = text_of(response)
    assert HELP[series] in body
    assert 'class="help"' in body
    others = {"national-zone", "takumi", "mokucolle"} - {series}
    field = {
        "national-zone": "recommending_prefecture_code",
        "takumi": "craft",
        "mokucolle": "timber_species",
    }
    assert f'name="series_fields.{field[series]}"' in body
    for other in others:
        assert f'name="series_fields.{field[other]}"' not in body


@pytest.mark.parametrize("series", ["national-zone", "takumi", "mokucolle"])
def test_complete_form_submits_and_mail_links_to_the_page(
    app: Flask, exhibitor_page: Reader, open_editions: dict[str, Any], series: str
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    url = f"/editions/{open_editions[series]['id']}/apply"
    application_id = location_id(
        post_pairs(exhibitor_page, url, application_form(series, organisation_id, "submit"))
    )
    page = text_of(exhibitor_page.get(f"/applications/{application_id}"))
    assert "受付済み" in page
    assert "ヤマダ タロウ" in page  # furigana read as the API reads it

    with app.app_context():
        mail = db.session.scalars(sa.select(OutgoingMail)).one()
        assert mail.to_address == "taro@example.jp"
        link = next(line for line in mail.body_text.splitlines() if "/applications/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert path == f"/applications/{application_id}"
    assert exhibitor_page.get(path).status_code == 200


def test_draft_saved_incomplete_then_submit_names_every_missing_field(
    exhibitor_page: Reader, open_editions: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    edition = open_editions["mokucolle"]
    saved = exhibitor_page.submit(
        f"/editions/{edition['id']}/apply",
        {"organisation_id": organisation_id, "contact_name": "山田 太郎", "action": "draft"},
    )
    application_id = location_id(saved)
    page = exhibitor_page.get(f"/applications/{application_id}")
    assert "下書き" in text_of(page)

    refused = exhibitor_page.submit(
        f"/applications/{application_id}/submit", form_at=f"/applications/{application_id}"
    )
    assert refused.status_code == 422
    body = text_of(refused)
    missing = [
        "contact_name_kana",
        "contact_email",
        "contact_phone",
        "summary_ja",
        "industry_category",
        "booth_type",
        "booth_units",
        "accept_terms",
        "series_fields-timber_species",
        "series_fields-origin_prefecture_codes",
        "series_fields-product_categories",
    ]
    for name in missing:
        assert f'id="f-{name}-error"' in body, name
    assert 'id="f-contact_name-error"' not in body
    assert "申込には入力が必要です" in body or "必須" in body
    # The draft is kept, as it was.
    assert "下書き" in text_of(exhibitor_page.get(f"/applications/{application_id}"))


def test_field_errors_in_japanese_and_typed_values_kept(
    exhibitor_page: Reader, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    pairs = [
        (k, v)
        for k, v in application_form("takumi", organisation_id, "draft")
        if k not in ("contact_email", "booth_units", "series_fields.video_url")
    ]
    pairs += [
        ("contact_email", "not-an-address"),
        ("booth_units", "50"),
        ("series_fields.video_url", "http://video.example.jp/x"),
    ]
    response = post_pairs(exhibitor_page, f"/editions/{takumi['id']}/apply", pairs)
    assert response.status_code == 422
    body = text_of(response)
    assert 'id="f-contact_email-error"' in body
    assert "メールアドレス" in body
    assert 'id="f-booth_units-error"' in body
    assert "20" in body
    assert 'value="not-an-address"' in body
    assert "江戸切子" in body


def test_series_rule_refused_by_the_service_at_its_field(
    exhibitor_page: Reader, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    pairs = [
        (k, v)
        for k, v in application_form("takumi", organisation_id, "submit")
        if k != "series_fields.demonstration_description"
    ]
    response = post_pairs(exhibitor_page, f"/editions/{takumi['id']}/apply", pairs)
    assert response.status_code == 422
    body = text_of(response)
    assert 'id="f-series_fields-demonstration_description-error"' in body
    # Saved as a draft all the same, and the form now edits it.
    assert "/applications/" in body
    assert "/edit" in body


def test_edit_clears_an_optional_field(exhibitor_page: Reader, takumi: dict[str, Any]) -> None:
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{takumi['id']}/apply",
            application_form("takumi", organisation_id),
        )
    )
    edit = f"/applications/{application_id}/edit"
    assert "江戸切子" in text_of(exhibitor_page.get(edit))
    pairs = [
        (k, "" if k in ("contact_title", "series_fields.traditional_craft") else v)
        for k, v in application_form("takumi", None)
    ]
    version = text_of(exhibitor_page.get(edit)).split('name="version" value="')[1].split('"')[0]
    response = post_pairs(exhibitor_page, edit, [*pairs, ("version", version)])
    assert response.status_code == 302, text_of(response)
    form = text_of(exhibitor_page.get(edit))
    assert 'name="contact_title" type="text" value=""' in form
    assert 'name="series_fields.traditional_craft" type="text" value=""' in form
    assert 'name="series_fields.craft" type="text" value="江戸切子"' in form


def test_upload_download_and_delete_a_document(
    app: Flask, exhibitor_page: Reader, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{takumi['id']}/apply",
            application_form("takumi", organisation_id),
        )
    )
    page = f"/applications/{application_id}"
    import io

    token = exhibitor_page.csrf_token(page)
    wrong = exhibitor_page.client.post(
        f"{page}/documents",
        data={
            "csrf_token": token,
            "kind": "catalogue",
            "file": (io.BytesIO(b"\x89PNG\r\n\x1a\nxx"), "a.png"),
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422
    assert 'id="f-file-error"' in text_of(wrong) or "PDF" in text_of(wrong)

    missing = exhibitor_page.client.post(
        f"{page}/documents",
        data={"csrf_token": token, "kind": "catalogue"},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    assert 'id="f-file-error"' in text_of(missing)

    pdf = b"%PDF-1.4\n%test\n"
    done = exhibitor_page.client.post(
        f"{page}/documents",
        data={"csrf_token": token, "kind": "catalogue", "file": (io.BytesIO(pdf), "カタログ.pdf")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, text_of(done)
    body = text_of(exhibitor_page.get(page))
    assert "カタログ.pdf" in body
    href = body.split(f'href="{page}/documents/')[1].split('"')[0]
    download = exhibitor_page.get(f"{page}/documents/{href}")
    assert download.status_code == 200
    assert download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"

    deleted = exhibitor_page.submit(f"{page}/documents/{href}/delete", form_at=page)
    assert deleted.status_code == 302
    assert "カタログ.pdf" not in text_of(exhibitor_page.get(page))


def test_withdraw_asks_first(exhibitor_page: Reader, takumi: dict[str, Any]) -> None:
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{takumi['id']}/apply",
            application_form("takumi", organisation_id, "submit"),
        )
    )
    url = f"/applications/{application_id}/withdraw"
    confirm = exhibitor_page.get(url)
    assert confirm.status_code == 200
    assert "取り下げ" in text_of(confirm)
    assert "受付済み" in text_of(exhibitor_page.get(f"/applications/{application_id}"))
    done = exhibitor_page.submit(url, {"reason": "社内の都合により"})
    assert done.status_code == 302
    page = text_of(exhibitor_page.get(f"/applications/{application_id}"))
    assert "取り下げ済み" in page
    assert "社内の都合により" in page


def _approved(organiser: Api, application_id: int, reason: str | None = None) -> Any:
    current = organiser.get(application_url(application_id)).json
    current = start_review(organiser, current)
    extra = {"reason": reason} if reason else {}
    response = decide(organiser, current, "approved", **extra)
    assert response.status_code == 200, response.json
    return response.json


def test_decision_reason_history_staff_and_passes(
    app: Flask, exhibitor_page: Reader, organiser: Api, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{takumi['id']}/apply",
            application_form("takumi", organisation_id, "submit"),
        )
    )
    _approved(organiser, application_id, "実演が魅力的です")
    page = f"/applications/{application_id}"
    body = text_of(exhibitor_page.get(page))
    assert "出展決定" in body
    assert "実演が魅力的です" in body
    assert "審査中" in body  # the history lists each step

    refused = exhibitor_page.submit(f"{page}/staff", {"name": "", "email": "x"}, form_at=page)
    assert refused.status_code == 422
    body = text_of(refused)
    assert 'id="f-name-error"' in body
    assert 'id="f-email-error"' in body

    added = exhibitor_page.submit(
        f"{page}/staff",
        {"name": "鈴木 一郎", "name_kana": "スズキ イチロウ", "email": "ichiro@example.jp"},
        form_at=page,
    )
    assert added.status_code == 302, text_of(added)
    body = text_of(exhibitor_page.get(page))
    assert "鈴木 一郎" in body
    assert "発行済み" in body
    assert "/api/v1/passes/" in body
    with app.app_context():
        mails = db.session.scalars(sa.select(OutgoingMail.to_address)).all()
    assert "ichiro@example.jp" in mails

    member_id = body.split(f"{page}/staff/")[1].split("/")[0]
    removed = exhibitor_page.submit(f"{page}/staff/{member_id}/remove", form_at=page)
    assert removed.status_code == 302
    assert "鈴木 一郎" not in text_of(exhibitor_page.get(page))

    csv = exhibitor_page.get(f"{page}/leads.csv")
    assert csv.status_code == 200
    assert "氏名" in csv.data.decode("utf-8-sig")


def test_waitlist_offer_accepted(
    exhibitor_page: Reader, make_reader: Callable[..., Reader], organiser: Api
) -> None:
    edition = open_edition(organiser, "takumi", booth_capacity=2)
    first = make_reader()
    first_org = register_organisation(first, name="株式会社先着")
    first_id = location_id(
        post_pairs(
            first,
            f"/editions/{edition['id']}/apply",
            application_form("takumi", first_org, "submit"),
        )
    )
    _approved(organiser, first_id)
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{edition['id']}/apply",
            application_form("takumi", organisation_id, "submit"),
        )
    )
    page = f"/applications/{application_id}"
    assert "キャンセル待ち" in text_of(exhibitor_page.get(page))

    assert first.submit(f"/applications/{first_id}/withdraw", {}).status_code == 302
    body = text_of(exhibitor_page.get(page))
    assert "繰り上げ" in body
    accepted = exhibitor_page.submit(f"{page}/offer/accept", form_at=page)
    assert accepted.status_code == 302
    assert "出展決定" in text_of(exhibitor_page.get(page))


def test_another_organisation_gets_404_and_anonymous_logs_in_first(
    exhibitor_page: Reader,
    make_reader: Callable[..., Reader],
    visitor: Reader,
    takumi: dict[str, Any],
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    application_id = location_id(
        post_pairs(
            exhibitor_page,
            f"/editions/{takumi['id']}/apply",
            application_form("takumi", organisation_id),
        )
    )
    page = f"/applications/{application_id}"
    stranger = make_reader()
    register_organisation(stranger, name="株式会社よそ")
    for url in (page, f"{page}/edit", f"{page}/withdraw", f"{page}/leads.csv"):
        assert stranger.get(url).status_code == 404, url
    assert stranger.submit(f"{page}/submit", form_at="/my/").status_code == 404
    # Applying for another organisation is refused at the field.
    refused = post_pairs(
        stranger, f"/editions/{takumi['id']}/apply", application_form("takumi", organisation_id)
    )
    assert refused.status_code == 422
    assert 'id="f-organisation_id-error"' in text_of(refused)

    anonymous = visitor.get(page)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].endswith(f"/login?next=/applications/{application_id}")


def test_forms_without_csrf_token_are_refused(
    exhibitor_page: Reader, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    response = exhibitor_page.client.post(
        f"/editions/{takumi['id']}/apply",
        data={"organisation_id": organisation_id, "action": "draft"},
    )
    assert response.status_code == 400
    assert "/applications/" not in text_of(exhibitor_page.get("/my/"))


def test_refused_form_keeps_ticked_boxes_ticked(
    exhibitor_page: Reader, takumi: dict[str, Any]
) -> None:
    organisation_id = register_organisation(exhibitor_page)
    pairs = [(k, v) for k, v in application_form("takumi", organisation_id) if k != "booth_units"]
    response = post_pairs(
        exhibitor_page, f"/editions/{takumi['id']}/apply", [*pairs, ("booth_units", "99")]
    )
    assert response.status_code == 422
    body = text_of(response)
    assert 'id="f-accept_terms" name="accept_terms" value="true" checked' in body
    assert (
        'id="f-series_fields-demonstration" name="series_fields.demonstration" value="true" checked'
        in body
    )
    assert 'id="f-will_sell" name="will_sell" value="true" checked' not in body


def test_pages_in_english(
    make_reader: Callable[..., Reader], open_editions: dict[str, Any]
) -> None:
    reader = make_reader(locale="en")
    register_organisation(reader)
    body = text_of(reader.get(f"/editions/{open_editions['mokucolle']['id']}/apply"))
    assert '<html lang="en">' in body
    assert "Where the timber comes from" in body
    assert "Save as draft" in body
