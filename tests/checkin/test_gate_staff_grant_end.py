"""A gate staff grant ends with its edition: once the gates close (the end of the day after
the last day, as for scan times: exits past midnight), the grant no longer lets its holder
search, check in, undo or read the desk of that edition (403 ``gate_staff_grant_ended``), and
the roles listing shows it ended. Organisers keep working the desk.

The server's clock is set (``clock``): open_edition's days are 2027-08-07 to 2027-08-09, Tokyo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from eventhub.accounts import schemas as account_schemas
from eventhub.accounts import user_pages
from eventhub.accounts.models import Role
from eventhub.checkin import service as gates
from tests.accounts.helpers import assert_problem
from tests.checkin.gate_helpers import (
    edition,
    fresh_caches,  # noqa: F401  (autouse fixture)
    issue_pass,
    make_device,
    scan,
)
from tests.pages.conftest import Reader, make_reader, text_of

__all__ = ["make_reader"]

EDITIONS = "/api/v1/editions"
GRACE_DAY_LATE = "2027-08-10T23:59:00+09:00"
GATES_CLOSED = "2027-08-11T00:00:00+09:00"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``clock("2027-08-11T00:00:00+09:00")`` sets the time the grants are judged at."""

    def set_to(when: str) -> None:
        now = datetime.fromisoformat(when)
        for module in (gates, account_schemas, user_pages):
            monkeypatch.setattr(module, "utcnow", lambda: now)

    return set_to


def _desk(api: Any, edition_id: int, pass_id: int) -> list[Any]:
    """Every desk request gate staff make: search, manual check-in, gates, figures."""
    return [
        api.get(f"{EDITIONS}/{edition_id}/checkin/search", query_string={"q": "山田"}),
        api.post(f"{EDITIONS}/{edition_id}/checkin/manual", json={"pass_id": pass_id}),
        api.get(f"{EDITIONS}/{edition_id}/gates"),
        api.get(f"{EDITIONS}/{edition_id}/figures", query_string={"day": "2027-08-09"}),
    ]


def _grant(organiser: Any, user_id: int) -> dict[str, Any]:
    (grant,) = organiser.get(f"/api/v1/users/{user_id}").json["roles"]
    return dict(grant)


def test_the_grant_works_through_the_grace_day_and_ends_when_the_gates_close(
    app, organiser, make_user, clock
):
    ed = edition(organiser)
    issued = issue_pass(app, ed["id"], name="山田 太郎")
    device = make_device(organiser, ed["id"])
    admitted = scan(device, issued.token).json
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])

    clock(GRACE_DAY_LATE)
    assert [r.status_code for r in _desk(staff, ed["id"], issued.id)] == [200] * 4
    grant = _grant(organiser, staff.user_id)
    assert grant["ends_at"] == GATES_CLOSED
    assert grant["active"] is True

    clock(GATES_CLOSED)
    for refused in [
        *_desk(staff, ed["id"], issued.id),
        staff.post(f"/api/v1/scans/{admitted['scan_id']}/undo"),
    ]:
        body = assert_problem(refused, 403, "gate_staff_grant_ended")
        assert body["ends_at"] == GATES_CLOSED
        assert "2027-08-11T00:00" in body["title"]
        assert "山田" not in refused.get_data(as_text=True)
    japanese = staff.get(f"{EDITIONS}/{ed['id']}/gates", headers={"Accept-Language": "ja"}).json[
        "title"
    ]
    assert "入場口スタッフ" in japanese
    grant = _grant(organiser, staff.user_id)
    assert (grant["ends_at"], grant["active"]) == (GATES_CLOSED, False)
    listed = organiser.get("/api/v1/users", query_string={"role": "gate_staff"}).json["items"]
    assert [r["active"] for u in listed for r in u["roles"]] == [False]
    # Organisers are not gate staff of one edition: their desk stays open.
    assert [r.status_code for r in _desk(organiser, ed["id"], issued.id)] == [200] * 4


def test_other_roles_do_not_end(organiser, clock):
    clock(GATES_CLOSED)
    grant = _grant(organiser, organiser.user_id)
    assert (grant["role"], grant["ends_at"], grant["active"]) == ("organiser", None, True)


def test_the_users_page_shows_the_grant_ended(make_reader, organiser, make_user, clock):
    ed = edition(organiser)
    staff = make_user(Role.GATE_STAFF, edition_id=ed["id"])
    reader: Reader = make_reader(Role.ORGANISER)
    url = f"/organiser/users/{staff.user_id}"

    clock(GRACE_DAY_LATE)
    assert "終了" not in text_of(reader.get(url))
    clock(GATES_CLOSED)
    assert "終了" in text_of(reader.get(url))
