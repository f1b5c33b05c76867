"""A lost optimistic-locking race found in a flush is a 409, never a 500, on API and pages."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from eventhub import create_app


def test_a_stale_flush_anywhere_answers_409_version_conflict() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    def lose_the_race() -> str:
        raise StaleDataError("UPDATE statement on table 'applications' expected 1 row")

    app.add_url_rule("/api/v1/race", "api_race", lose_the_race)
    app.add_url_rule("/race", "page_race", lose_the_race)
    client = app.test_client()

    api = client.get("/api/v1/race")
    assert api.status_code == 409
    assert api.mimetype == "application/problem+json"
    assert api.json is not None
    assert api.json["code"] == "version_conflict"

    page = client.get("/race")
    assert page.status_code == 409
    assert page.mimetype == "text/html"
    assert "他の人が先に変更しました" in page.get_data(as_text=True)
