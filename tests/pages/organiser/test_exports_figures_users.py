"""Exports, figures and report builds, users and roles, as pages."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from eventhub.accounts.models import Role
from tests.booths.helpers import submitted_application
from tests.conftest import Api
from tests.pages.conftest import Reader, text_of


def _exports(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/exports"


def test_applications_download_as_csv_and_xlsx_with_chosen_columns(
    make_reader: Any, exhibitor: Api, edition: dict[str, Any]
) -> None:
    submitted_application(exhibitor, edition, prefecture_code=13)
    reader: Reader = make_reader(Role.REVIEWER)
    page = reader.get(_exports(edition["id"]))
    assert page.status_code == 200
    assert "出展者名" in text_of(page)
    url = _exports(edition["id"]) + "/applications"
    csv = reader.submit(
        url,
        {"format": "csv", "fields": ["organisation", "prefecture"]},
        form_at=_exports(edition["id"]),
    )
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["出展者名,都道府県", "株式会社木工13,東京都"]
    xlsx = reader.submit(
        url, {"format": "xlsx", "fields": ["id", "status"]}, form_at=_exports(edition["id"])
    )
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["申込ID", "状況"]


def test_export_options_are_checked_per_field(make_reader: Any, edition: dict[str, Any]) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    url = _exports(edition["id"]) + "/applications"
    refused = reader.submit(url, {"format": "pdf"}, form_at=_exports(edition["id"]))
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="f-format-error"' in html
    assert 'id="f-fields-error"' in html
    assert "列を1つ以上選んでください" in html
    exhibitor: Reader = make_reader()
    assert exhibitor.get(_exports(edition["id"])).status_code == 403


def _figures(edition_id: int) -> str:
    return f"/organiser/editions/{edition_id}/figures"


def test_figures_recount_and_a_report_build_to_its_files(
    make_reader: Any, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    page = reader.get(_figures(edition["id"]))
    assert page.status_code == 200
    assert "出展者数" in text_of(page)
    assert 'value="2027"' in text_of(page)  # the edition's fiscal year
    recount = reader.submit(_figures(edition["id"]) + "/recount", form_at=_figures(edition["id"]))
    assert recount.status_code == 302
    assert "前回の全件再集計" in text_of(reader.get(_figures(edition["id"])))  # eager: done

    built = reader.submit(
        _figures(edition["id"]) + "/builds",
        {"fiscal_year": "令和9年度"},
        form_at=_figures(edition["id"]),
    )
    assert built.status_code == 302
    html = text_of(reader.get(_figures(edition["id"])))
    assert "完了" in html  # eager tasks: the build ran at once
    prefix = f"/organiser/editions/{edition['id']}/figures/builds/"
    assert prefix in html
    link = html.split(f'href="{prefix}', 1)[1].split('"', 1)[0]
    file = reader.get(prefix + link)
    assert file.status_code == 200
    assert "default-src 'none'" in file.headers["Content-Security-Policy"]


def test_an_organiser_publishes_a_build_with_its_button(
    make_reader: Any, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    figures = _figures(edition["id"])
    built = reader.submit(figures + "/builds", {"fiscal_year": "2027"}, form_at=figures)
    assert built.status_code == 302
    html = text_of(reader.get(figures))
    assert "この実績報告を公開する" in html
    assert reader.client.get("/reports/2027").status_code == 404  # not published yet
    found = re.search(r'<form method="post" action="([^"]*/publish)"', html)
    assert found is not None
    action = found[1]

    published = reader.submit(action, form_at=figures)

    assert published.status_code == 302
    html = text_of(reader.get(figures))
    assert "公開しました" in html or "公開中" in html
    assert 'href="/reports/2027"' in html
    assert reader.client.get("/reports/2027").status_code == 200


def test_a_bad_fiscal_year_is_named_and_reviewers_are_refused(
    make_reader: Any, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    refused = reader.submit(
        _figures(edition["id"]) + "/builds",
        {"fiscal_year": "someday"},
        form_at=_figures(edition["id"]),
    )
    assert refused.status_code == 422
    assert 'id="f-fiscal_year-error"' in text_of(refused)
    reviewer: Reader = make_reader(Role.REVIEWER)
    assert reviewer.get(_figures(edition["id"])).status_code == 403


def test_a_running_build_shows_a_progress_bar_that_refreshes(
    app: Any, make_reader: Any, edition: dict[str, Any]
) -> None:
    from eventhub.extensions import db
    from eventhub.reports.models import ReportBuild

    with app.app_context():
        db.session.add(
            ReportBuild(fiscal_year=2027, status="running", progress_done=3, progress_total=8)
        )
        db.session.commit()
    reader: Reader = make_reader(Role.ORGANISER)
    html = text_of(reader.get(_figures(edition["id"])))
    assert 'value="3" max="8"' in html
    assert "data-refresh=" in html


def test_users_are_listed_with_the_api_filters(make_reader: Any) -> None:
    organiser: Reader = make_reader(Role.ORGANISER)
    contact: Reader = make_reader(Role.PREFECTURE_CONTACT, prefecture_code=26)
    listed = text_of(organiser.get("/organiser/users?role=prefecture_contact"))
    assert contact.email in listed
    assert organiser.email not in listed
    assert "京都府" in listed
    by_email = text_of(organiser.get(f"/organiser/users?email={organiser.email}"))
    assert organiser.email in by_email
    assert contact.email not in by_email
    refused = organiser.get("/organiser/users?role=king")
    assert refused.status_code == 422
    assert 'id="f-role-error"' in text_of(refused)


def test_roles_are_granted_with_a_prefecture_and_revoked(make_reader: Any, organiser: Api) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    someone: Reader = make_reader()
    url = f"/organiser/users/{someone.user_id}"
    refused = reader.submit(url + "/roles", {"role": "prefecture_contact"}, form_at=url)
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="f-prefecture_code-error"' in html
    granted = reader.submit(
        url + "/roles", {"role": "prefecture_contact", "prefecture_code": "13"}, form_at=url
    )
    assert granted.status_code == 302
    roles = organiser.get(f"/api/v1/users/{someone.user_id}").json["roles"]
    assert [(r["role"], r["prefecture_code"]) for r in roles] == [("prefecture_contact", 13)]
    revoked = reader.submit(url + f"/roles/{roles[0]['id']}/revoke", form_at=url)
    assert revoked.status_code == 302
    assert organiser.get(f"/api/v1/users/{someone.user_id}").json["roles"] == []


def test_gate_staff_are_granted_for_an_edition_chosen_on_the_page(
    make_reader: Any, organiser: Api, edition: dict[str, Any]
) -> None:
    reader: Reader = make_reader(Role.ORGANISER)
    someone: Reader = make_reader()
    url = f"/organiser/users/{someone.user_id}"
    page = text_of(reader.get(url))
    assert f'<option value="{edition["id"]}">' in page
    assert "この会期の来場者だけ" in page

    refused = reader.submit(url + "/roles", {"role": "gate_staff"}, form_at=url)
    assert refused.status_code == 422
    assert 'id="f-edition_id-error"' in text_of(refused)
    granted = reader.submit(
        url + "/roles", {"role": "gate_staff", "edition_id": str(edition["id"])}, form_at=url
    )
    assert granted.status_code == 302
    roles = organiser.get(f"/api/v1/users/{someone.user_id}").json["roles"]
    assert [(r["role"], r["edition_id"]) for r in roles] == [("gate_staff", edition["id"])]
    shown = text_of(reader.get(url))
    assert f"入場口スタッフ ({edition['title_ja']})" in shown


def test_the_last_organiser_keeps_the_role_and_others_are_refused(
    app: Any, make_reader: Any
) -> None:
    from eventhub.accounts.models import RoleGrant
    from eventhub.extensions import db

    reader: Reader = make_reader(Role.ORGANISER)
    with app.app_context():
        grant_id = db.session.query(RoleGrant.id).filter_by(user_id=reader.user_id).scalar()
    url = f"/organiser/users/{reader.user_id}"
    refused = reader.submit(url + f"/roles/{grant_id}/revoke", form_at=url)
    assert refused.status_code == 409
    assert "最後の主催者" in text_of(refused)
    reviewer: Reader = make_reader(Role.REVIEWER)
    assert reviewer.get("/organiser/users").status_code == 403
    assert reviewer.get(url).status_code == 403
    csrf = reader.client.post(url + "/roles", data={"role": "reviewer"})
    assert csrf.status_code == 400


def test_the_field_chooser_offers_the_series_fields_in_the_pages_language(
    make_reader: Any, exhibitor: Api, edition: dict[str, Any]
) -> None:
    submitted_application(exhibitor, edition, prefecture_code=13)
    reader: Reader = make_reader(Role.ORGANISER)
    page = text_of(reader.get(_exports(edition["id"])))
    assert 'value="timber_species" checked' in page
    assert "樹種" in page
    assert 'value="craft"' not in page  # a takumi field
    reader.submit("/language", {"locale": "en"}, form_at="/")
    url = _exports(edition["id"]) + "/applications"
    chosen = {"format": "csv", "fields": ["timber_species", "industry_category"]}
    english = reader.submit(url, chosen, form_at=_exports(edition["id"]))
    assert english.status_code == 200
    lines = english.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["Timber species,Industry", "スギ,Timber"]
    foreign = reader.submit(
        url, {"format": "csv", "fields": ["craft"]}, form_at=_exports(edition["id"])
    )
    assert foreign.status_code == 422
    assert 'id="f-fields-error"' in text_of(foreign)
