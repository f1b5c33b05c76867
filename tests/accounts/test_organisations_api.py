"""Organisations: registration with Japanese normalisation, visibility, editing and members."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub.accounts.models import MembershipInvitation, Role
from eventhub.extensions import db
from tests.accounts.helpers import (
    VALID_CORPORATE_NUMBER,
    assert_invalid,
    assert_problem,
    join,
    login,
    mails_to,
    organisation_payload,
    verify_by_mail,
)
from tests.applications.helpers import open_edition
from tests.conftest import PASSWORD, Api

ORGS = "/api/v1/organisations"


def _create(api: Api, **overrides) -> dict:
    response = api.post(ORGS, json=organisation_payload(**overrides))
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def org(exhibitor) -> dict:
    """An organisation the ``exhibitor`` registered."""
    return _create(exhibitor)


def _listed_ids(api: Api, **query) -> list[int]:
    response = api.get(ORGS, query_string=query)
    assert response.status_code == 200, response.json
    return [o["id"] for o in response.json["items"]]


# Creating ---------------------------------------------------------------------------------


def test_any_logged_in_user_registers_an_organisation(exhibitor):
    response = exhibitor.post(ORGS, json=organisation_payload())

    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "株式会社テスト工芸"
    assert body["corporate_number"] is None
    assert body["website"] is None
    assert body["created_at"].endswith("+09:00")


def test_creator_becomes_a_member(exhibitor, org):
    me = exhibitor.get("/api/v1/users/me").json

    assert me["organisations"] == [{"organisation_id": org["id"], "organisation_name": org["name"]}]
    members = exhibitor.get(f"{ORGS}/{org['id']}/members").json
    assert [m["user"]["id"] for m in members] == [exhibitor.user_id]


def test_anonymous_cannot_register_an_organisation(anonymous):
    assert_problem(anonymous.post(ORGS, json=organisation_payload()), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("field", "given", "stored"),
    [
        ("name_kana", "かぶしきがいしゃ てすと", "カブシキガイシャ テスト"),
        ("name_kana", "ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"),
        ("postal_code", "１００－０００１", "100-0001"),
        ("postal_code", "〒1000001", "100-0001"),
        ("phone", "０３－１２３４－５６７８", "03-1234-5678"),
        ("phone", "+81 90 1234 5678", "090-1234-5678"),
        ("corporate_number", VALID_CORPORATE_NUMBER, VALID_CORPORATE_NUMBER),
        ("corporate_number", "７０００－０１２０－５０００２", VALID_CORPORATE_NUMBER),
        ("prefecture_code", "１３", 13),
        # A name is kept as written, only trimmed.
        ("name", "  ＡＢＣ　商事（東京） ", "ＡＢＣ　商事（東京）"),
        ("website", "https://example.jp/", "https://example.jp/"),
    ],
)
def test_fields_are_normalised(exhibitor, field, given, stored):
    created = _create(exhibitor, **{field: given})

    assert created[field] == stored
    assert exhibitor.get(f"{ORGS}/{created['id']}").json[field] == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("corporate_number", "1000012050002"),
        ("corporate_number", "700001205000"),
        ("name_kana", "株式会社"),
        ("name_kana", "kabushiki"),
        ("kind", "charity"),
        ("prefecture_code", 48),
        ("prefecture_code", 0),
        ("postal_code", "100-001"),
        ("phone", "12345"),
        ("phone", "０３－１２３４－５６７"),
        ("website", "ftp://x"),
        ("website", "not a url"),
        ("name", "   "),
        ("name", "x" * 201),
    ],
)
def test_invalid_field_is_422_naming_it(exhibitor, field, value):
    response = exhibitor.post(ORGS, json=organisation_payload(**{field: value}))

    assert_invalid(response, field)


@pytest.mark.parametrize(
    "missing", ["name", "name_kana", "kind", "prefecture_code", "postal_code", "address", "phone"]
)
def test_required_field_is_422_naming_it(exhibitor, missing):
    body = organisation_payload()
    del body[missing]

    assert_invalid(exhibitor.post(ORGS, json=body), missing)


def test_unknown_field_is_422(exhibitor):
    response = exhibitor.post(ORGS, json=organisation_payload(members=[1]))

    assert_invalid(response, "members")


def test_prefecture_code_as_a_fraction_is_422(exhibitor):
    response = exhibitor.post(ORGS, json=organisation_payload(prefecture_code=13.5))

    assert_invalid(response, "prefecture_code")


def test_duplicate_corporate_number_is_409(exhibitor, make_user):
    first = _create(exhibitor, corporate_number=VALID_CORPORATE_NUMBER)
    other = make_user()

    response = other.post(ORGS, json=organisation_payload(corporate_number="7000-0120-50002"))

    body = assert_problem(response, 409, "corporate_number_taken")
    assert body["existing_id"] == first["id"]


def test_organisations_without_corporate_number_may_coexist(exhibitor):
    _create(exhibitor, corporate_number=None)

    assert exhibitor.post(ORGS, json=organisation_payload(corporate_number=None)).status_code == 201


# Seeing -----------------------------------------------------------------------------------


def test_member_sees_own_organisation(exhibitor, org):
    response = exhibitor.get(f"{ORGS}/{org['id']}")

    assert response.status_code == 200
    assert response.json == org


def test_another_user_cannot_see_it(make_user, org):
    stranger = make_user()

    assert_problem(stranger.get(f"{ORGS}/{org['id']}"), 404, "not_found")
    assert_problem(stranger.get(f"{ORGS}/{org['id']}/members"), 404, "not_found")


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.REVIEWER])
def test_organisers_and_reviewers_see_any_organisation(make_user, org, role):
    staff = make_user(role)

    assert staff.get(f"{ORGS}/{org['id']}").status_code == 200
    assert staff.get(f"{ORGS}/{org['id']}/members").status_code == 200


@pytest.mark.parametrize("role", [Role.PREFECTURE_CONTACT, Role.GATE_STAFF])
def test_other_roles_do_not_see_others_organisations(make_user, org, role, organiser):
    staff = make_user(role, prefecture_code=13, edition_id=open_edition(organiser)["id"])

    assert_problem(staff.get(f"{ORGS}/{org['id']}"), 404, "not_found")


def test_unknown_organisation_is_404(organiser):
    assert_problem(organiser.get(f"{ORGS}/999999"), 404, "not_found")


# Listing ----------------------------------------------------------------------------------


def test_exhibitor_lists_only_own_organisations(exhibitor, make_user, org):
    _create(make_user(), name="他社")

    body = exhibitor.get(ORGS).json

    assert [o["id"] for o in body["items"]] == [org["id"]]
    assert body["total"] == 1


def test_organiser_lists_all_organisations(organiser, exhibitor, make_user, org):
    other = _create(make_user(), name="他社")

    body = organiser.get(ORGS).json

    assert [o["id"] for o in body["items"]] == [org["id"], other["id"]]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)


def test_organisation_list_paginates(organiser, exhibitor):
    ids = [_create(exhibitor, name=f"団体{i}")["id"] for i in range(3)]

    assert _listed_ids(organiser, page=2, per_page=2) == ids[2:]


def test_organisation_list_per_page_over_100_is_422(organiser):
    assert_invalid(organiser.get(ORGS, query_string={"per_page": 101}), "per_page", "query")


@pytest.fixture
def three_orgs(exhibitor) -> dict[str, int]:
    return {
        "tokyo_company": _create(
            exhibitor, name="東京木工株式会社", name_kana="トウキョウモッコウ"
        )["id"],
        "osaka_association": _create(
            exhibitor,
            name="大阪匠の会",
            name_kana="オオサカタクミノカイ",
            kind="association",
            prefecture_code=27,
        )["id"],
        "osaka_city": _create(
            exhibitor,
            name="大阪市",
            name_kana="オオサカシ",
            kind="municipality",
            prefecture_code=27,
        )["id"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"prefecture_code": 27}, ["osaka_association", "osaka_city"]),
        ({"prefecture_code": "２７"}, ["osaka_association", "osaka_city"]),
        ({"kind": "municipality"}, ["osaka_city"]),
        ({"q": "木工"}, ["tokyo_company"]),
        ({"q": "タクミ"}, ["osaka_association"]),
        ({"q": "大阪"}, ["osaka_association", "osaka_city"]),
        ({"q": "大阪", "kind": "association"}, ["osaka_association"]),
        ({"q": "100%"}, []),
    ],
)
def test_organisation_list_filters(exhibitor, three_orgs, query, expected):
    assert _listed_ids(exhibitor, **query) == [three_orgs[name] for name in expected]


def test_organiser_filters_apply_to_all_organisations(organiser, make_user, three_orgs):
    _create(make_user(), name="大阪別団体", prefecture_code=27)

    assert len(_listed_ids(organiser, prefecture_code=27)) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [({"prefecture_code": 48}, "prefecture_code"), ({"kind": "charity"}, "kind")],
)
def test_organisation_list_rejects_bad_filters(exhibitor, query, field):
    assert_invalid(exhibitor.get(ORGS, query_string=query), field, "query")


@pytest.mark.parametrize("q", ["たくみ", "ﾀｸﾐ"], ids=["hiragana", "half-width-katakana"])
def test_organisation_search_normalises_the_reading(exhibitor, three_orgs, q):
    assert _listed_ids(exhibitor, q=q) == [three_orgs["osaka_association"]]


def test_organisation_search_ignores_ascii_case(exhibitor):
    wanted = _create(exhibitor, name="ACME Woodworks")

    assert _listed_ids(exhibitor, q="acme") == [wanted["id"]]


# Editing ----------------------------------------------------------------------------------


def test_member_patches_the_organisation(exhibitor, org):
    response = exhibitor.patch(
        f"{ORGS}/{org['id']}", json={"name": "新社名株式会社", "phone": "０６－１２３４－５６７８"}
    )

    assert response.status_code == 200, response.json
    assert response.json["name"] == "新社名株式会社"
    assert response.json["phone"] == "06-1234-5678"
    assert response.json["name_kana"] == org["name_kana"]


def test_organiser_patches_any_organisation(organiser, org):
    response = organiser.patch(f"{ORGS}/{org['id']}", json={"website": "https://example.jp"})

    assert response.status_code == 200
    assert response.json["website"] == "https://example.jp"


def test_stranger_cannot_patch_it(make_user, exhibitor, org):
    stranger = make_user()

    response = stranger.patch(f"{ORGS}/{org['id']}", json={"name": "乗っ取り"})

    assert_problem(response, 404, "not_found")
    assert exhibitor.get(f"{ORGS}/{org['id']}").json["name"] == org["name"]


def test_reviewer_sees_but_cannot_patch(make_user, org):
    reviewer = make_user(Role.REVIEWER)

    response = reviewer.patch(f"{ORGS}/{org['id']}", json={"name": "変更"})

    assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"corporate_number": "1000012050002"}, "corporate_number"),
        ({"prefecture_code": 48}, "prefecture_code"),
        ({"kind": "charity"}, "kind"),
        ({"name": None}, "name"),
        ({"id": 99}, "id"),
    ],
)
def test_patch_validates_like_create(exhibitor, org, body, field):
    assert_invalid(exhibitor.patch(f"{ORGS}/{org['id']}", json=body), field)


def test_patch_to_a_taken_corporate_number_is_409(exhibitor, org, make_user):
    other = _create(make_user(), corporate_number=VALID_CORPORATE_NUMBER)

    response = exhibitor.patch(
        f"{ORGS}/{org['id']}", json={"corporate_number": VALID_CORPORATE_NUMBER}
    )

    body = assert_problem(response, 409, "corporate_number_taken")
    assert body["existing_id"] == other["id"]


def test_patch_keeping_own_corporate_number_is_fine(exhibitor):
    org = _create(exhibitor, corporate_number=VALID_CORPORATE_NUMBER)

    response = exhibitor.patch(
        f"{ORGS}/{org['id']}", json={"corporate_number": VALID_CORPORATE_NUMBER, "name": "改称"}
    )

    assert response.status_code == 200, response.json


# Members and invitations ------------------------------------------------------------------

ME = "/api/v1/users/me/invitations"


def _invite(api: Api, org: dict, email: str) -> object:
    return api.post(f"{ORGS}/{org['id']}/invitations", json={"email": email})


def _member_ids(api: Api, org: dict) -> set[int]:
    return {m["user"]["id"] for m in api.get(f"{ORGS}/{org['id']}/members").json}


def test_an_invited_colleague_becomes_a_member_only_on_accepting(app, exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")

    invited = _invite(exhibitor, org, "Colleague@Example.jp")

    assert invited.status_code == 201, invited.json
    assert invited.json["status"] == "pending"
    assert invited.json["email"] == "Colleague@Example.jp"
    assert "user" not in invited.json
    assert invited.json["organisation"] == {"id": org["id"], "name": org["name"]}
    assert invited.json["invited_by"] == {
        "id": exhibitor.user_id,
        "display_name": "テスト ユーザー",
    }
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}
    assert_problem(colleague.get(f"{ORGS}/{org['id']}"), 404, "not_found")
    ((subject, body),) = mails_to(app, "colleague@example.jp")
    assert org["name"] in subject
    assert app.config["EVENTHUB_BASE_URL"].rstrip("/") + "/account/invitations" in body
    assert [i["id"] for i in colleague.get(ME).json] == [invited.json["id"]]
    assert [i["id"] for i in exhibitor.get(f"{ORGS}/{org['id']}/invitations").json] == [
        invited.json["id"]
    ]

    accepted = colleague.post(f"{ME}/{invited.json['id']}/accept")

    assert accepted.status_code == 201, accepted.json
    assert accepted.json["user"]["id"] == colleague.user_id
    assert accepted.json["joined_at"].endswith("+09:00")
    members = exhibitor.get(f"{ORGS}/{org['id']}/members").json
    assert {m["user"]["id"] for m in members} == {exhibitor.user_id, colleague.user_id}
    assert set(members[0]["user"]) == {"id", "email", "display_name"}
    assert colleague.get(ME).json == []
    assert exhibitor.get(f"{ORGS}/{org['id']}/invitations").json == []


def test_the_old_way_of_adding_a_member_directly_is_gone(exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")

    response = exhibitor.post(f"{ORGS}/{org['id']}/members", json={"email": "colleague@example.jp"})

    assert response.status_code == 405
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}
    assert colleague.get(ME).json == []


def test_added_member_can_see_and_patch(exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, org["id"], "colleague@example.jp")

    assert _listed_ids(colleague) == [org["id"]]
    response = colleague.patch(f"{ORGS}/{org['id']}", json={"address": "東京都港区1-1"})
    assert response.status_code == 200, response.json


def test_inviting_again_while_open_is_the_same_invitation_and_mails_once(
    app, exhibitor, make_user, org
):
    make_user(email="colleague@example.jp")

    first = _invite(exhibitor, org, "colleague@example.jp")
    again = _invite(exhibitor, org, "colleague@example.jp")

    assert again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert len(mails_to(app, "colleague@example.jp")) == 1


def test_inviting_a_member_is_422_naming_email(exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, org["id"], "colleague@example.jp")

    assert_invalid(_invite(exhibitor, org, "colleague@example.jp"), "email")
    assert_invalid(_invite(exhibitor, org, "colleague@example.jp"), "email")
    assert len(exhibitor.get(f"{ORGS}/{org['id']}/members").json) == 2


def _shape(invitation: dict) -> dict:
    """An invitation answer without what differs between any two invitations."""
    varying = {"id", "email", "created_at", "expires_at"}
    return {key: value for key, value in invitation.items() if key not in varying}


def test_inviting_tells_nothing_about_which_addresses_have_accounts(app, exhibitor, make_user, org):
    make_user(email="known@example.jp")

    known = _invite(exhibitor, org, "known@example.jp")
    unknown = _invite(exhibitor, org, "nobody@example.jp")

    assert (known.status_code, unknown.status_code) == (201, 201)
    assert known.headers.get("Content-Type") == unknown.headers.get("Content-Type")
    assert set(known.json) == set(unknown.json)
    assert _shape(known.json) == _shape(unknown.json)
    assert (known.json["email"], unknown.json["email"]) == ("known@example.jp", "nobody@example.jp")
    listed = exhibitor.get(f"{ORGS}/{org['id']}/invitations").json
    assert [_shape(i) for i in listed] == [_shape(known.json)] * 2
    # A mail goes to each address: an unknown one is asked to sign up.
    ((_, to_known),) = mails_to(app, "known@example.jp")
    ((_, to_unknown),) = mails_to(app, "nobody@example.jp")
    base = app.config["EVENTHUB_BASE_URL"].rstrip("/")
    assert base + "/account/invitations" in to_known
    assert base + "/signup" not in to_known
    assert base + "/signup" in to_unknown
    assert base + "/account/invitations" in to_unknown
    # Both are in the audit log, as every invitation is.
    organiser = make_user(Role.ORGANISER)
    events = organiser.get("/api/v1/audit-events").json["items"]
    invited = [e for e in events if e["action"] == "membership.invited"]
    assert len(invited) == 2


def test_an_account_made_later_with_the_address_sees_and_accepts_the_invitation(
    app, exhibitor, org
):
    invitation = _invite(exhibitor, org, "Newcomer@Example.jp").json
    client = app.test_client()
    body = {"email": "newcomer@example.jp", "password": PASSWORD, "display_name": "新人"}
    signed_up = client.post("/api/v1/users", json=body)
    assert signed_up.status_code == 201, signed_up.json
    token = login(client, "newcomer@example.jp").json["token"]
    newcomer = Api(client, token, signed_up.json["id"])
    # Not before the address is proved theirs: anyone may sign up with any address.
    assert newcomer.get(ME).json == []
    assert_problem(newcomer.post(f"{ME}/{invitation['id']}/accept"), 404, "not_found")

    verify_by_mail(app.test_client(), "newcomer@example.jp")

    assert [i["id"] for i in newcomer.get(ME).json] == [invitation["id"]]
    accepted = newcomer.post(f"{ME}/{invitation['id']}/accept")
    assert accepted.status_code == 201, accepted.json
    assert _member_ids(exhibitor, org) == {exhibitor.user_id, newcomer.user_id}
    assert newcomer.get(ME).json == []
    with app.app_context():
        row = db.session.get_one(MembershipInvitation, invitation["id"])
        assert (row.status, row.user_id) == ("accepted", newcomer.user_id)


def test_inviting_a_malformed_email_is_422(exhibitor, org):
    assert_invalid(_invite(exhibitor, org, "nobody"), "email")


def test_stranger_cannot_invite_themselves(make_user, org):
    stranger = make_user(email="stranger@example.jp")

    response = _invite(stranger, org, "stranger@example.jp")

    assert_problem(response, 404, "not_found")
    assert_problem(stranger.get(f"{ORGS}/{org['id']}"), 404, "not_found")
    assert stranger.get(ME).json == []


def test_a_declined_invitation_makes_no_member_and_cannot_be_accepted_later(
    exhibitor, make_user, org
):
    colleague = make_user(email="colleague@example.jp")
    invitation = _invite(exhibitor, org, "colleague@example.jp").json

    declined = colleague.post(f"{ME}/{invitation['id']}/decline")
    late = colleague.post(f"{ME}/{invitation['id']}/accept")

    assert declined.status_code == 204
    assert_problem(late, 409, "invitation_not_open")
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}
    # Declined, it may be sent again.
    assert _invite(exhibitor, org, "colleague@example.jp").json["id"] != invitation["id"]


def test_only_the_invitee_answers_an_invitation(exhibitor, make_user, org):
    make_user(email="colleague@example.jp")
    someone_else = make_user()
    invitation = _invite(exhibitor, org, "colleague@example.jp").json

    for answer in ("accept", "decline"):
        for api in (someone_else, exhibitor):
            response = api.post(f"{ME}/{invitation['id']}/{answer}")
            assert_problem(response, 404, "not_found")
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}


def test_an_expired_invitation_cannot_be_accepted(app, exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")
    invitation = _invite(exhibitor, org, "colleague@example.jp").json
    with app.app_context():
        row = db.session.get_one(MembershipInvitation, invitation["id"])
        row.created_at -= timedelta(days=15)
        row.expires_at -= timedelta(days=15)
        db.session.commit()

    assert colleague.get(ME).json == []
    assert_problem(colleague.post(f"{ME}/{invitation['id']}/accept"), 409, "invitation_expired")


def test_a_member_withdraws_an_invitation(exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")
    invitation = _invite(exhibitor, org, "colleague@example.jp").json

    withdrawn = exhibitor.delete(f"{ORGS}/{org['id']}/invitations/{invitation['id']}")

    assert withdrawn.status_code == 204
    assert_problem(colleague.post(f"{ME}/{invitation['id']}/accept"), 409, "invitation_not_open")
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}


def test_invitations_and_acceptances_are_in_the_audit_log(
    app, organiser, exhibitor, make_user, org
):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, org["id"], "colleague@example.jp")

    events = organiser.get("/api/v1/audit-events").json["items"]
    actions = [(e["action"], e["actor_id"], e["target_id"]) for e in events]
    assert ("membership.invited", exhibitor.user_id, org["id"]) in actions
    assert ("membership.accepted", colleague.user_id, org["id"]) in actions


def test_member_removes_a_colleague(exhibitor, make_user, org):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, org["id"], "colleague@example.jp")

    response = exhibitor.delete(f"{ORGS}/{org['id']}/members/{colleague.user_id}")

    assert response.status_code == 204
    members = exhibitor.get(f"{ORGS}/{org['id']}/members").json
    assert [m["user"]["id"] for m in members] == [exhibitor.user_id]
    assert_problem(colleague.get(f"{ORGS}/{org['id']}"), 404, "not_found")
    assert colleague.get("/api/v1/users/me").json["organisations"] == []


def test_removing_the_last_member_is_409(exhibitor, org):
    response = exhibitor.delete(f"{ORGS}/{org['id']}/members/{exhibitor.user_id}")

    assert_problem(response, 409, "last_member")
    assert exhibitor.get(f"{ORGS}/{org['id']}").status_code == 200


def test_removing_a_non_member_is_404(exhibitor, make_user, org):
    outsider = make_user()

    response = exhibitor.delete(f"{ORGS}/{org['id']}/members/{outsider.user_id}")

    assert_problem(response, 404, "not_found")


def test_organiser_removes_members_without_being_one_but_invites_nobody(
    organiser, exhibitor, make_user, org
):
    colleague = make_user(email="colleague@example.jp")
    join(exhibitor, colleague, org["id"], "colleague@example.jp")

    invited = _invite(organiser, org, "someone@example.jp")
    removed = organiser.delete(f"{ORGS}/{org['id']}/members/{exhibitor.user_id}")

    assert_problem(invited, 403, "forbidden")
    assert removed.status_code == 204
    assert _member_ids(organiser, org) == {colleague.user_id}


def test_an_organiser_cannot_become_a_member_by_any_way(app, organiser, exhibitor, make_user, org):
    organiser_email = organiser.get("/api/v1/users/me").json["email"]

    themselves = _invite(organiser, org, organiser_email)
    by_a_member = _invite(exhibitor, org, organiser_email)
    registering = organiser.post(ORGS, json=organisation_payload(name="株式会社主催者"))

    assert_problem(themselves, 403, "forbidden")
    # Invited as any address is (refusing would tell whose address it is), but never a member.
    assert by_a_member.status_code == 201, by_a_member.json
    organiser_invitations = organiser.get(ME).json
    assert [i["id"] for i in organiser_invitations] == [by_a_member.json["id"]]
    refused = organiser.post(f"{ME}/{by_a_member.json['id']}/accept")
    assert_problem(refused, 409, "organiser_not_member")
    assert_problem(registering, 409, "organiser_not_member")
    # Invited before the role was granted: the invitation cannot be accepted with it.
    colleague = make_user(email="colleague@example.jp")
    invitation = _invite(exhibitor, org, "colleague@example.jp").json
    organiser.post(f"/api/v1/users/{colleague.user_id}/roles", json={"role": "organiser"})
    late = colleague.post(f"{ME}/{invitation['id']}/accept")
    assert_problem(late, 409, "organiser_not_member")
    assert _member_ids(exhibitor, org) == {exhibitor.user_id}
    assert organiser.get("/api/v1/users/me").json["organisations"] == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MembershipInvitation)) == 2


def test_reviewer_cannot_change_members(make_user, exhibitor, org):
    reviewer = make_user(Role.REVIEWER, email="reviewer@example.jp")

    invited = _invite(reviewer, org, "reviewer@example.jp")
    removed = reviewer.delete(f"{ORGS}/{org['id']}/members/{exhibitor.user_id}")

    assert_problem(invited, 403, "forbidden")
    assert_problem(removed, 403, "forbidden")
