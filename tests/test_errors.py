"""Domain errors: every code raised has a status and a text in both catalogues, and the API
answers titles and details in Japanese under Accept-Language: ja, in English by default."""

from __future__ import annotations

import ast
import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import eventhub
from eventhub import errors
from eventhub.applications.models import ApplicationStatus
from eventhub.calendars.models import ScheduleKind
from eventhub.documents.models import DocumentKind
from eventhub.events.models import EditionStatus
from eventhub.i18n import LOCALES, TRANSLATIONS, pick, translate
from eventhub.messages import HTTP_TITLES, MESSAGES, PARTS, PLACEHOLDER_WORDS
from eventhub.passes.models import AttendeeType
from eventhub.reports.models import BuildStatus
from eventhub.statuses import CODE_OF_STATUS, STATUS

PACKAGE = Path(eventhub.__file__).parent
PROBLEM_JSON = "application/problem+json"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

#: Helpers whose first string argument is a code.
CODE_CALLS = {"DomainError", "_conflict"}
#: Helpers whose argument at the given position is a message key.
KEY_CALLS = {
    "DomainError": 1,
    "field_error": 1,
    "FieldError": 1,
    "forbidden": 0,
    "unauthenticated": 0,
    "_unauthenticated": 0,
    "invalid_transition": 0,
    "_invalid_token": 0,
    "_file_error": 0,
}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literal(call: ast.Call, index: int) -> str | None:
    if len(call.args) > index and isinstance(call.args[index], ast.Constant):
        value = call.args[index].value
        return value if isinstance(value, str) else None
    return None


def _domain_error_classes(tree: ast.Module) -> set[ast.ClassDef]:
    return {
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id == "DomainError" for b in node.bases)
    }


def raised() -> Iterator[tuple[str, str, str]]:
    """(where, "code" or "key", value) for every literal code and message key in eventhub."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGE.parent))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        for cls in _domain_error_classes(tree):
            for node in ast.walk(cls):
                if isinstance(node, ast.Call) and _name(node) == "__init__":
                    calls.append(ast.Call(ast.Name("DomainError"), node.args, node.keywords))
        for call in calls:
            name = _name(call)
            if name in CODE_CALLS and (code := _literal(call, 0)):
                yield where, "code", code
                if len(call.args) == 1:  # no message key: the code's own text is the title
                    yield where, "key", code
            if name in KEY_CALLS and (key := _literal(call, KEY_CALLS[name])):
                yield where, "key", key
            if name == "not_found" and (thing := _literal(call, 0)):
                yield where, "key", f"{thing}_not_found"
            if name == "check_not_final" and (what := _literal(call, 1)):
                yield where, "key", f"{what}_final"
            for keyword in call.keywords:
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Constant):
                    yield where, "key", str(keyword.value.value)


def _catalogue(locale: str) -> dict[tuple[str | None, str], str]:
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    return {(m.context, m.id): m.string for m in catalog if m.id and isinstance(m.id, str)}


# The code walk -------------------------------------------------------------------------------


def test_the_walk_finds_the_raise_sites():
    found = list(raised())
    assert len({v for _, kind, v in found if kind == "code"}) > 40
    assert len({v for _, kind, v in found if kind == "key"}) > 100


def test_every_code_raised_has_an_http_status():
    missing = {(where, code) for where, kind, code in raised() if kind == "code"} - {
        (where, code) for where, _, code in raised() if code in STATUS
    }
    assert not missing


def test_every_message_key_used_has_a_text():
    missing = {(where, key) for where, kind, key in raised() if kind == "key"}
    missing = {(where, key) for where, key in missing if key not in MESSAGES}
    assert not missing


def test_message_keys_are_given_once():
    assert sum(len(part) for part in PARTS) == len(MESSAGES)


# The catalogues ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_has_an_entry_in_both_catalogues(locale):
    catalogue = _catalogue(locale)
    assert not {text for text in MESSAGES.values() if (None, text) not in catalogue}


def test_every_text_is_translated_to_japanese():
    untranslated = {key for key, text in _catalogue("ja").items() if not text}
    assert not untranslated


def test_the_catalogues_hold_every_text_of_the_code():
    """What pybabel would extract (see babel.cfg) is in the catalogue: no text is left out."""
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2)}
    with (PACKAGE.parent / "babel.cfg").open() as config:
        method_map, _options = parse_mapping_cfg(config)
    extracted = {
        (context, message)
        for _, _, message, _, context in extract_from_dir(
            str(PACKAGE.parent), method_map, keywords=keywords, comment_tags=()
        )
    }
    for locale in LOCALES:
        assert extracted == set(_catalogue(locale)), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_use_only_the_placeholders_of_their_msgid(locale):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    assert not [(m.id, problems) for m, problems in catalog.check() if problems]


def test_japanese_texts_keep_every_placeholder_of_their_msgid():
    """A translation that drops a value (a status, a limit) tells the Japanese reader less."""
    catalog = _catalogue("ja")
    dropped = {
        msgid: missing
        for (_, msgid), text in catalog.items()
        if (missing := set(PLACEHOLDER.findall(msgid)) - set(PLACEHOLDER.findall(text)))
    }
    assert not dropped


@pytest.mark.parametrize(
    ("placeholder", "codes"),
    [
        ("status", [*ApplicationStatus, *EditionStatus, *BuildStatus]),
        ("attendee_type", list(AttendeeType)),
        ("kind", [*ScheduleKind, *DocumentKind]),
    ],
)
def test_every_code_a_message_shows_has_words_in_both_languages(placeholder, codes):
    words = PLACEHOLDER_WORDS[placeholder]
    assert set(codes) <= set(words)
    untranslated = [code for code in codes if translate(words[code], "ja") == words[code]]
    assert not untranslated


def test_codes_in_a_message_read_as_words_and_lists_join_per_language():
    key = MESSAGES["edition_transition"]
    values = {"current": "open", "target": "draft", "allowed": ("cancelled", "closed")}

    assert translate(key, "en", **values) == (
        "An edition cannot go from open for applications to a draft "
        "(allowed: cancelled, closed for applications)."
    )
    assert translate(key, "ja", **{**values, "allowed": ()}) == (
        "「受付中」から「下書き」には変更できません（変更できる状態：なし）。"
    )


def test_existing_japanese_titles_are_kept():
    assert translate(MESSAGES["pass_revoked"], "ja") == "このパスは無効化されました。"
    assert translate(MESSAGES["series_not_found"], "ja") == "シリーズが見つかりません。"
    assert translate(MESSAGES["unauthenticated"], "ja") == "認証が必要です。"


def test_pick_chooses_the_column_of_the_locale():
    assert pick("展示会", "Fair", "en") == "Fair"
    assert pick("展示会", None, "en") == "展示会"
    assert pick("展示会", "Fair", "ja") == "展示会"
    assert pick(None, "Fair", "ja") == "Fair"
    assert pick(None, "Fair", "ja", fall_back=False) == ""


# The status table ----------------------------------------------------------------------------


def test_every_status_is_an_http_error_status():
    assert all(400 <= status <= 599 for status in STATUS.values())


def test_the_generic_http_codes_agree_with_the_table_and_have_titles():
    for status, code in CODE_OF_STATUS.items():
        assert STATUS[code] == status
        assert code in HTTP_TITLES


def test_domain_errors_carry_no_http_or_prose():
    error = errors.not_found("pass")
    assert (error.code, error.message, error.params, error.extras) == (
        "not_found",
        "pass_not_found",
        {},
        {},
    )
    assert not hasattr(error, "status")


def _imports(path: Path) -> set[str]:
    """Every module and name ``path`` imports, as "module" and "module.name"."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def test_domain_errors_survive_pickling():
    from eventhub.accounts.service import LoginLockedError

    for error in (
        errors.field_error("seats", "seats_booked", booked=3),
        LoginLockedError(30),
    ):
        copy = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own bytes)
        assert type(copy) is type(error)
        assert vars(copy) == vars(error)


@pytest.mark.parametrize(
    "path",
    [*sorted(PACKAGE.glob("*/service.py")), PACKAGE / "errors.py"],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_services_import_no_web_framework(path):
    imported = _imports(path)
    assert not {m for m in imported if m.split(".")[0] == "werkzeug"}
    assert "flask.abort" not in imported
    assert "eventhub.errors.ApiError" not in imported
    if path.name == "errors.py":
        assert not {m for m in imported if m.split(".")[0] == "flask"}


# The API -------------------------------------------------------------------------------------


def test_a_domain_error_answers_in_english_by_default(anonymous):
    response = anonymous.get("/api/v1/users/me")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM_JSON
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="eventhub"'
    body = response.json
    assert body["code"] == "unauthenticated"
    assert body["title"] == "Authentication is required."
    assert body["detail"] == "This endpoint needs a bearer token."


def test_a_domain_error_answers_in_japanese_under_accept_language_ja(anonymous):
    response = anonymous.get("/api/v1/users/me", headers={"Accept-Language": "ja,en;q=0.5"})
    assert response.status_code == 401
    body = response.json
    assert body["code"] == "unauthenticated"
    assert body["title"] == "認証が必要です。"
    assert body["detail"] == "この操作にはベアラートークンが必要です。"


def test_a_detail_with_parameters_is_filled_in_either_language(exhibitor):
    response = exhibitor.post("/api/v1/editions", json={}, headers={"Accept-Language": "ja"})
    assert response.status_code == 403
    body = response.json
    assert (body["code"], body["title"]) == ("forbidden", "この操作は許可されていません。")
    assert body["detail"] == "次のいずれかの役割が必要です：organiser"
    english = exhibitor.post("/api/v1/editions", json={}).json
    assert english["detail"] == "This needs one of the roles: organiser."


def test_werkzeug_errors_take_their_title_from_the_catalogue(anonymous):
    response = anonymous.get("/api/v1/no-such-route", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    assert response.json == {
        "type": "about:blank",
        "status": 404,
        "code": "not_found",
        "title": "見つかりません。",
    }
    assert anonymous.get("/api/v1/no-such-route").json["title"] == "Not found."
