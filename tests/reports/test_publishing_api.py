"""Publishing a build: its report and files become public; other builds stay the organisers'."""

from __future__ import annotations

from tests.reports.helpers import BUILDS
from tests.reports.test_builds_api import held_edition


def _build(organiser) -> dict:
    response = organiser.post(BUILDS, json={"fiscal_year": 2027})
    assert response.status_code == 202, response.json
    build = organiser.get(response.json["url"]).json
    assert build["status"] == "done", build
    return build


def _urls(build: dict) -> dict[str, str]:
    return {f["name"]: f["url"] for f in build["files"]}


def test_unpublished_builds_are_not_there_for_anyone_but_organisers(
    organiser, exhibitor, anonymous
):
    held_edition(organiser, "mokucolle", title_ja="モクコレ2027")
    build = _build(organiser)
    assert build["published"] is False
    assert build["public_url"] is None
    for name, url in _urls(build).items():
        assert organiser.get(url).status_code == 200, name
        # 404, not 403: trying build ids tells nobody which builds exist.
        assert anonymous.get(url).status_code == 404, name
        assert exhibitor.get(url).status_code == 404, name
    assert anonymous.get("/reports/2027").status_code == 404
    assert anonymous.get("/reports/2027/files/report-ja.pdf").status_code == 404


def test_a_published_build_is_public_page_and_files(organiser, anonymous):
    held_edition(organiser, "mokucolle", title_ja="モクコレ2027")
    build = _build(organiser)

    published = organiser.post(f"{build['url']}/publish")

    assert published.status_code == 200, published.json
    assert published.json["published"] is True
    assert published.json["published_at"]
    assert published.json["public_url"] == "/reports/2027"
    urls = _urls(build)
    pdf = anonymous.get(urls["report-ja.pdf"])
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert anonymous.get(urls["report-en.html"]).status_code == 200
    # The organisers' appendix says what was left out and why: never public.
    assert anonymous.get(urls["organisers-appendix.md"]).status_code == 404
    assert organiser.get(urls["organisers-appendix.md"]).status_code == 200

    page = anonymous.get("/reports/2027")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "令和9年8月、東京ビッグサイトで開催" in html
    assert "/reports/2027/files/report-ja.pdf" in html
    assert "organisers-appendix" not in html
    public_pdf = anonymous.get("/reports/2027/files/report-ja.pdf")
    assert public_pdf.status_code == 200
    assert public_pdf.get_data() == pdf.get_data()
    assert anonymous.get("/reports/2027/files/organisers-appendix.md").status_code == 404


def test_a_newer_build_stays_private_until_it_is_published(organiser, anonymous):
    held_edition(organiser, "mokucolle", title_ja="モクコレ2027")
    first = _build(organiser)
    assert organiser.post(f"{first['url']}/publish").status_code == 200
    second = _build(organiser)

    assert anonymous.get(_urls(second)["report-ja.html"]).status_code == 404
    assert anonymous.get(_urls(first)["report-ja.html"]).status_code == 200

    assert organiser.delete(f"{first['url']}/publish").status_code == 200
    assert anonymous.get(_urls(first)["report-ja.html"]).status_code == 404
    assert anonymous.get("/reports/2027").status_code == 404


def test_publishing_is_for_organisers(organiser, exhibitor, anonymous):
    held_edition(organiser, "mokucolle")
    build = _build(organiser)

    assert exhibitor.post(f"{build['url']}/publish").status_code == 403
    assert anonymous.post(f"{build['url']}/publish").status_code == 401
    assert organiser.get(build["url"]).json["published"] is False
    assert anonymous.get(_urls(build)["report-ja.html"]).status_code == 404


def test_only_a_finished_build_is_published(organiser, monkeypatch):
    from eventhub import tasks

    monkeypatch.setattr(tasks, "_dispatch", lambda name, args: None)
    queued = organiser.post(BUILDS, json={"fiscal_year": 2027}).json

    response = organiser.post(f"{queued['url']}/publish")

    assert response.status_code == 409
    assert response.json["code"] == "report_not_ready"
