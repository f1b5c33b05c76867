"""Sign-up, your own account, and the organiser's user and role management, through HTTP."""

from __future__ import annotations

import pytest

from eventhub.accounts.models import Role
from tests.accounts.helpers import (
    assert_invalid,
    assert_problem,
    login,
    organisation_payload,
)
from tests.conftest import PASSWORD, Api

USERS = "/api/v1/users"
ME = "/api/v1/users/me"
NEW_PASSWORD = "a much better passphrase"


def _sign_up(anonymous: Api, **overrides):
    body = {
        "email": "hanako@example.jp",
        "password": PASSWORD,
        "display_name": "山田 花子",
        **overrides,
    }
    return anonymous.post(USERS, json=body)


def _roles(api: Api, user_id: int) -> list[dict]:
    return api.get(f"{USERS}/{user_id}").json["roles"]


# Sign-up ----------------------------------------------------------------------------------


def test_sign_up_creates_an_account_that_can_log_in(anonymous, client):
    response = _sign_up(anonymous)

    assert response.status_code == 201, response.json
    body = response.json
    assert body["email"] == "hanako@example.jp"
    assert body["display_name"] == "山田 花子"
    assert body["locale"] == "ja"
    assert body["roles"] == []
    assert body["organisations"] == []
    assert login(client, "hanako@example.jp").status_code == 201


def test_sign_up_keeps_the_display_name_as_written(anonymous):
    response = _sign_up(anonymous, display_name="  ＹＡＭＡＤＡ　　Hanako ")

    assert response.json["display_name"] == "ＹＡＭＡＤＡ　　Hanako"


def test_sign_up_with_english_locale(anonymous):
    assert _sign_up(anonymous, locale="en").json["locale"] == "en"


def test_sign_up_with_email_differing_only_in_case_is_409(anonymous):
    _sign_up(anonymous, email="Hanako@Example.jp")

    response = _sign_up(anonymous, email="hanako@example.JP")

    assert_problem(response, 409, "email_taken")


@pytest.mark.parametrize("email", ["ＴＡＲＯ@example.jp", "Ärger@example.jp"])
def test_user_logs_in_with_the_non_ascii_email_they_signed_up_with(anonymous, client, email):
    assert _sign_up(anonymous, email=email).status_code == 201

    assert login(client, email).status_code == 201


def test_non_ascii_email_differing_only_in_case_is_409(anonymous):
    _sign_up(anonymous, email="Ärger@example.jp")

    assert_problem(_sign_up(anonymous, email="ärger@example.jp"), 409, "email_taken")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "short"}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "hanako@"}, "email"),
        ({"display_name": "   "}, "display_name"),
        ({"locale": "fr"}, "locale"),
        ({"is_admin": True}, "is_admin"),
        ({"roles": ["organiser"]}, "roles"),
    ],
    ids=[
        "short-password",
        "long-password",
        "bad-email",
        "email-without-domain",
        "blank-name",
        "unknown-locale",
        "unknown-field",
        "roles-not-settable",
    ],
)
def test_sign_up_rejects_invalid_fields(anonymous, overrides, field):
    assert_invalid(_sign_up(anonymous, **overrides), field)


@pytest.mark.parametrize("missing", ["email", "password", "display_name"])
def test_sign_up_requires_field(anonymous, missing):
    body = {"email": "hanako@example.jp", "password": PASSWORD, "display_name": "花子"}
    del body[missing]

    assert_invalid(anonymous.post(USERS, json=body), missing)


def test_password_never_appears_in_a_response(anonymous, client):
    created = _sign_up(anonymous)
    logged_in = login(client, "hanako@example.jp")
    hanako = Api(client, logged_in.json["token"])
    me = hanako.get(ME)
    patched = hanako.patch(ME, json={"password": NEW_PASSWORD, "current_password": PASSWORD})
    short = _sign_up(anonymous, email="other@example.jp", password="tiny-pw")

    for response in (created, logged_in, me, patched, short):
        text = response.get_data(as_text=True)
        assert PASSWORD not in text
        assert NEW_PASSWORD not in text
        assert "tiny-pw" not in text
        assert "password_hash" not in text
    for user in (created.json, logged_in.json["user"], me.json, patched.json):
        assert "password" not in user


# /users/me --------------------------------------------------------------------------------


def test_me_shows_own_account(exhibitor):
    response = exhibitor.get(ME)

    assert response.status_code == 200
    assert response.json["id"] == exhibitor.user_id
    assert response.json["created_at"].endswith("+09:00")


def test_patch_me_changes_display_name_and_locale(exhibitor):
    response = exhibitor.patch(ME, json={"display_name": "佐藤 一郎", "locale": "en"})

    assert response.status_code == 200
    assert response.json["display_name"] == "佐藤 一郎"
    assert response.json["locale"] == "en"
    assert exhibitor.get(ME).json["locale"] == "en"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"locale": "fr"}, "locale"),
        ({"display_name": ""}, "display_name"),
        ({"email": "new@example.jp"}, "email"),
        ({"password": "short", "current_password": PASSWORD}, "password"),
    ],
)
def test_patch_me_rejects_invalid_fields(exhibitor, body, field):
    assert_invalid(exhibitor.patch(ME, json=body), field)


def test_password_change_without_current_password_is_422(exhibitor):
    response = exhibitor.patch(ME, json={"password": NEW_PASSWORD})

    assert_invalid(response, "current_password")


def test_password_change_with_wrong_current_password_is_422(client, exhibitor):
    response = exhibitor.patch(
        ME, json={"password": NEW_PASSWORD, "current_password": "not my password"}
    )

    assert_invalid(response, "current_password")
    email = exhibitor.get(ME).json["email"]
    assert login(client, email).status_code == 201
    assert login(client, email, NEW_PASSWORD).status_code == 401


def test_password_change_revokes_other_tokens_but_keeps_the_callers(client, exhibitor):
    email = exhibitor.get(ME).json["email"]
    other = Api(client, login(client, email).json["token"])

    response = exhibitor.patch(ME, json={"password": NEW_PASSWORD, "current_password": PASSWORD})

    assert response.status_code == 200, response.json
    assert exhibitor.get(ME).status_code == 200
    assert_problem(other.get(ME), 401, "unauthenticated")


def test_login_uses_the_new_password_after_a_change(client, exhibitor):
    email = exhibitor.get(ME).json["email"]

    exhibitor.patch(ME, json={"password": NEW_PASSWORD, "current_password": PASSWORD})

    assert login(client, email, NEW_PASSWORD).status_code == 201
    assert_problem(login(client, email, PASSWORD), 401, "invalid_credentials")


def test_changing_only_display_name_keeps_other_tokens(client, exhibitor):
    email = exhibitor.get(ME).json["email"]
    other = Api(client, login(client, email).json["token"])

    exhibitor.patch(ME, json={"display_name": "新しい名前"})

    assert other.get(ME).status_code == 200


# Listing users (organisers) ---------------------------------------------------------------


def test_organiser_lists_users_in_a_page_envelope(organiser, make_user):
    make_user()
    make_user()

    response = organiser.get(USERS)

    assert response.status_code == 200
    body = response.json
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 3)
    assert [u["id"] for u in body["items"]] == sorted(u["id"] for u in body["items"])


def test_users_list_paginates(organiser, make_user):
    for _ in range(4):
        make_user()

    body = organiser.get(USERS, query_string={"page": 2, "per_page": 2}).json

    assert body["total"] == 5
    assert (body["page"], body["per_page"]) == (2, 2)
    assert len(body["items"]) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"role": "exhibitor"}, "role"),
    ],
)
def test_users_list_rejects_bad_query(organiser, query, field):
    assert_invalid(organiser.get(USERS, query_string=query), field, "query")


def test_users_list_filters_by_role(organiser, make_user):
    reviewer = make_user(Role.REVIEWER)
    make_user()

    body = organiser.get(USERS, query_string={"role": "reviewer"}).json

    assert [u["id"] for u in body["items"]] == [reviewer.user_id]
    assert body["total"] == 1


def test_users_list_filters_by_part_of_email(organiser, make_user):
    wanted = make_user(email="Taro.Suzuki@example.jp")
    make_user(email="someone@example.jp")

    body = organiser.get(USERS, query_string={"email": "taro.s"}).json

    assert [u["id"] for u in body["items"]] == [wanted.user_id]


@pytest.mark.parametrize(
    "url",
    [USERS, f"{USERS}/1"],
)
def test_non_organiser_cannot_read_users(make_user, url):
    for api in (make_user(), make_user(Role.REVIEWER)):
        assert_problem(api.get(url), 403, "forbidden")


def test_organiser_gets_one_user(organiser, exhibitor):
    response = organiser.get(f"{USERS}/{exhibitor.user_id}")

    assert response.status_code == 200
    assert response.json["id"] == exhibitor.user_id


def test_unknown_user_is_404(organiser):
    assert_problem(organiser.get(f"{USERS}/999999"), 404, "not_found")


# Roles ------------------------------------------------------------------------------------


def test_organiser_grants_a_role(organiser, exhibitor):
    response = organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "reviewer"})

    assert response.status_code == 201, response.json
    assert response.json["role"] == "reviewer"
    assert response.json["prefecture_code"] is None
    assert response.json["granted_at"].endswith("+09:00")
    assert [r["role"] for r in exhibitor.get(ME).json["roles"]] == ["reviewer"]


def test_non_organiser_cannot_grant_roles(make_user, exhibitor):
    reviewer = make_user(Role.REVIEWER)

    response = reviewer.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "organiser"})

    assert_problem(response, 403, "forbidden")


def test_users_cannot_grant_themselves_a_role(exhibitor):
    response = exhibitor.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "organiser"})

    assert_problem(response, 403, "forbidden")
    assert exhibitor.get(ME).json["roles"] == []


def test_granting_prefecture_contact_needs_a_prefecture(organiser, exhibitor):
    response = organiser.post(
        f"{USERS}/{exhibitor.user_id}/roles", json={"role": "prefecture_contact"}
    )

    assert_invalid(response, "prefecture_code")


@pytest.mark.parametrize("code", ["１３", "13", 13, " 13 "])
def test_prefecture_code_accepts_full_width_and_string_forms(organiser, exhibitor, code):
    response = organiser.post(
        f"{USERS}/{exhibitor.user_id}/roles",
        json={"role": "prefecture_contact", "prefecture_code": code},
    )

    assert response.status_code == 201, response.json
    assert response.json["prefecture_code"] == 13


@pytest.mark.parametrize("code", [0, 48, "東京", True])
def test_prefecture_code_out_of_range_is_422(organiser, exhibitor, code):
    response = organiser.post(
        f"{USERS}/{exhibitor.user_id}/roles",
        json={"role": "prefecture_contact", "prefecture_code": code},
    )

    assert_invalid(response, "prefecture_code")


@pytest.mark.parametrize("code", [13.5, [13]], ids=["float", "list"])
def test_prefecture_code_of_wrong_json_type_is_422(organiser, exhibitor, code):
    response = organiser.post(
        f"{USERS}/{exhibitor.user_id}/roles",
        json={"role": "prefecture_contact", "prefecture_code": code},
    )

    assert_invalid(response, "prefecture_code")


def test_prefecture_code_for_a_non_contact_role_is_422(organiser, exhibitor):
    response = organiser.post(
        f"{USERS}/{exhibitor.user_id}/roles", json={"role": "reviewer", "prefecture_code": 13}
    )

    assert_invalid(response, "prefecture_code")


def test_unknown_role_is_422(organiser, exhibitor):
    response = organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "exhibitor"})

    assert_invalid(response, "role")


def test_granting_a_role_to_an_unknown_user_is_404(organiser):
    response = organiser.post(f"{USERS}/999999/roles", json={"role": "reviewer"})

    assert_problem(response, 404, "not_found")


@pytest.mark.parametrize(
    "grant",
    [{"role": "reviewer"}, {"role": "prefecture_contact", "prefecture_code": 27}],
)
def test_granting_twice_is_idempotent(organiser, exhibitor, grant):
    url = f"{USERS}/{exhibitor.user_id}/roles"

    first = organiser.post(url, json=grant)
    second = organiser.post(url, json=grant)

    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert len(_roles(organiser, exhibitor.user_id)) == 1


def test_contact_for_two_prefectures_has_two_grants(organiser, exhibitor):
    url = f"{USERS}/{exhibitor.user_id}/roles"
    organiser.post(url, json={"role": "prefecture_contact", "prefecture_code": 13})
    organiser.post(url, json={"role": "prefecture_contact", "prefecture_code": 14})

    codes = {r["prefecture_code"] for r in _roles(organiser, exhibitor.user_id)}

    assert codes == {13, 14}


def test_organiser_revokes_a_role(organiser, exhibitor):
    grant = organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "reviewer"}).json

    response = organiser.delete(f"{USERS}/{exhibitor.user_id}/roles/{grant['id']}")

    assert response.status_code == 204
    assert exhibitor.get(ME).json["roles"] == []


def test_revoking_a_grant_through_another_user_is_404(organiser, exhibitor, make_user):
    grant = organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "reviewer"}).json
    someone = make_user()

    response = organiser.delete(f"{USERS}/{someone.user_id}/roles/{grant['id']}")

    assert_problem(response, 404, "not_found")
    assert len(_roles(organiser, exhibitor.user_id)) == 1


def test_revoking_the_last_organiser_role_is_409(organiser):
    grant_id = organiser.get(ME).json["roles"][0]["id"]

    response = organiser.delete(f"{USERS}/{organiser.user_id}/roles/{grant_id}")

    assert_problem(response, 409, "last_organiser")
    assert organiser.get(USERS).status_code == 200


def test_an_organiser_may_drop_the_role_while_another_remains(organiser, make_user):
    make_user(Role.ORGANISER)
    grant_id = organiser.get(ME).json["roles"][0]["id"]

    response = organiser.delete(f"{USERS}/{organiser.user_id}/roles/{grant_id}")

    assert response.status_code == 204
    assert_problem(organiser.get(USERS), 403, "forbidden")


def test_granted_organiser_can_list_users(organiser, exhibitor):
    organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "organiser"})

    assert exhibitor.get(USERS).status_code == 200


def test_reviewer_granted_via_api_can_list_all_organisations(organiser, exhibitor, make_user):
    owner = make_user()
    created = owner.post("/api/v1/organisations", json=organisation_payload())
    assert created.status_code == 201, created.json
    assert exhibitor.get("/api/v1/organisations").json["total"] == 0

    organiser.post(f"{USERS}/{exhibitor.user_id}/roles", json={"role": "reviewer"})

    listed = exhibitor.get("/api/v1/organisations").json
    assert [o["id"] for o in listed["items"]] == [created.json["id"]]
    assert exhibitor.get(f"/api/v1/organisations/{created.json['id']}").status_code == 200
