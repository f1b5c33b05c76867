"""Report builds through the API on the embedded default (eager tasks): every format, progress,
one active build per year, lost tasks re-driven, dead workers taken over, failures shown."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from eventhub import tasks
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.reports import outputs, service
from eventhub.reports.models import ReportBuild
from tests.applications.helpers import make_edition, set_edition_status
from tests.reports import reference
from tests.reports.helpers import BUILDS, import_csv


@pytest.fixture
def lost_tasks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    lost: list[tuple[str, tuple]] = []
    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: lost.append((name, args)))
    return lost


def held_edition(organiser, series: str = "mokucolle", **overrides) -> dict:
    edition = make_edition(organiser, series, venue_ja="東京ビッグサイト", **overrides)
    for status in ("open", "closed", "held"):
        edition = set_edition_status(organiser, edition["id"], status)
    return edition


def _build(organiser, fiscal_year=2027) -> dict:
    response = organiser.post(BUILDS, json={"fiscal_year": fiscal_year})
    assert response.status_code == 202, response.json
    assert response.headers["Location"] == response.json["url"]
    return organiser.get(response.json["url"]).json


def test_a_build_makes_every_format(organiser):
    assert import_csv(organiser, reference.CSV_JA).status_code == 200
    held_edition(organiser, "mokucolle", title_ja="モクコレ2027")
    build = _build(organiser, "令和9年度")
    assert build["status"] == "done", build
    assert build["fiscal_year"] == 2027
    assert build["fiscal_year_label"] == "令和9年度"
    assert build["progress"]["done"] == build["progress"]["total"] > 0
    files = {f["name"]: f for f in build["files"]}
    assert set(files) == {
        "report-ja.html",
        "report-ja.md",
        "report-en.html",
        "report-en.md",
        "editions.csv",
        "figures.csv",
        "report.xlsx",
        "report-ja.pdf",
        "report-en.pdf",
        "organisers-appendix.md",
    }

    html = organiser.get(files["report-ja.html"]["url"])
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    assert html.headers["Content-Disposition"].startswith("inline; ")
    assert "eventhub-report-FY2027-report-ja.html" in html.headers["Content-Disposition"]
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
    text = html.get_data(as_text=True)
    assert "<h1>令和9年度 事業実績</h1>" in text
    for line in reference.MOKUCOLLE_JA:
        assert f">{line}</li>" in text
    # The data edition follows the entered years; with nobody admitted it says no count, and
    # with no prefectures no 「、」 is left hanging before 開催.
    assert '<li data-source="data">令和9年8月、東京ビッグサイトで開催</li>' in text
    assert "※ 平成29年度～令和2年度は、過去の記録から入力された数値による。" in text

    markdown = organiser.get(files["report-en.md"]["url"])
    assert markdown.mimetype == "text/markdown"
    assert markdown.headers["Content-Disposition"].startswith("attachment; ")
    assert "# FY2027 results report" in markdown.get_data(as_text=True)
    assert "- January 2018, Tokyo Big Sight: held together with 33 prefectures" in (
        markdown.get_data(as_text=True)
    )

    csv_file = organiser.get(files["editions.csv"]["url"])
    assert csv_file.mimetype == "text/csv"
    body = csv_file.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("シリーズ,年度,回,開催月,会場")
    assert (
        lines[1]
        == "産業交流展「全国ゾーン」,平成29年度,1,,,会場,開催,,118,37道府県,37,6市,,,,,入力値,"
    )
    assert lines[-1] == (
        "WOODコレクション（モクコレ）,令和9年度,,2027-08,東京ビッグサイト,会場,開催,,0,,,,0,,,,"
        "eventhub集計,"
    )

    workbook = organiser.get(files["report.xlsx"]["url"])
    assert workbook.mimetype == outputs.XLSX
    book = load_workbook(io.BytesIO(workbook.get_data()))
    assert book.sheetnames == ["実績一覧", "集計"]
    assert book["実績一覧"]["B2"].value == "平成29年度"


def test_one_build_per_year_at_a_time(organiser, lost_tasks):
    first = organiser.post(BUILDS, json={"fiscal_year": 2027}).json
    second = organiser.post(BUILDS, json={"fiscal_year": 2027}).json
    other_year = organiser.post(BUILDS, json={"fiscal_year": 2026}).json
    assert first["id"] == second["id"] != other_year["id"]
    assert first["status"] == "queued"
    assert lost_tasks == [
        (service.BUILD_TASK, (first["id"],)),
        (service.BUILD_TASK, (other_year["id"],)),
    ]


def test_a_lost_task_is_redriven_and_runs_once(app, organiser, lost_tasks):
    build = organiser.post(BUILDS, json={"fiscal_year": 2027}).json
    with app.app_context():
        assert service.redrive_stale() == []  # not stale yet
        assert service.redrive_stale(utcnow() + timedelta(minutes=3)) == [build["id"]]
        assert service.run_build(build["id"]) is True
        assert service.run_build(build["id"]) is False  # a duplicate message changes nothing
    assert organiser.get(build["url"]).json["status"] == "done"


def test_concurrent_workers_build_it_once(app, organiser, lost_tasks):
    build_id = organiser.post(BUILDS, json={"fiscal_year": 2027}).json["id"]
    barrier = threading.Barrier(4)

    def work() -> bool:
        with app.app_context():
            barrier.wait()
            try:
                return service.run_build(build_id)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: work(), range(4)))
    assert sorted(results) == [False, False, False, True]
    with app.app_context():
        build = db.session.get(ReportBuild, build_id)
        assert (build.status, build.attempt) == ("done", 1)


def test_a_dead_workers_build_is_taken_over_and_it_cannot_store_later(app, organiser, lost_tasks):
    build_id = organiser.post(BUILDS, json={"fiscal_year": 2027}).json["id"]
    with app.app_context():
        claimed = service._claim(build_id, utcnow() - timedelta(minutes=30))
        assert claimed is not None
        dead_attempt, _ = claimed
        assert service.redrive_stale() == [build_id]
        assert service.run_build(build_id) is True
        # The presumed-dead worker wakes up: its progress and its files are refused.
        with pytest.raises(service._TakenOver):
            service._progress(build_id, dead_attempt, 1, 2)
        assert service._finish(build_id, dead_attempt, outputs.Produced([], [])) is False
        build = db.session.get(ReportBuild, build_id)
        assert (build.status, build.attempt) == ("done", 2)
        assert len(service.list_outputs(build_id)) == 10


def test_a_failure_is_shown_and_a_new_build_can_start(organiser, monkeypatch):
    def broken(fiscal_year, progress):
        progress(0, 3)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(outputs, "produce", broken)
    build = _build(organiser)
    assert build["status"] == "failed"
    assert build["error"] == "RuntimeError: disk on fire"
    assert build["files"] == []
    monkeypatch.undo()
    assert _build(organiser)["status"] == "done"


def test_files_and_builds_are_for_organisers_only(organiser, exhibitor, anonymous):
    build = _build(organiser)
    assert organiser.get(f"{build['url']}/files/nothing.txt").status_code == 404
    assert organiser.get(f"{BUILDS}/999").status_code == 404
    assert exhibitor.post(BUILDS, json={"fiscal_year": 2027}).status_code == 403
    # An unpublished build is not there for anyone but organisers (404, so ids tell nothing).
    assert exhibitor.get(build["files"][0]["url"]).status_code == 404
    assert anonymous.get(build["url"]).status_code == 401
    bad = organiser.post(BUILDS, json={"fiscal_year": "昭和60年度"})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "fiscal_year"
    listed = organiser.get(f"{BUILDS}?fiscal_year=2027").json
    assert [b["id"] for b in listed["items"]] == [build["id"]]


def test_concurrent_requests_for_one_year_share_one_build(app, organiser, lost_tasks):
    barrier = threading.Barrier(4)

    def request() -> int:
        client = app.test_client()
        headers = {"Authorization": f"Bearer {organiser.token}"}
        barrier.wait()
        response = client.post(BUILDS, json={"fiscal_year": 2027}, headers=headers)
        assert response.status_code == 202, response.json
        return int(response.json["id"])

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda _: request(), range(4)))
    assert len(set(ids)) == 1
    assert len(lost_tasks) == 1
