"""The ja/en message catalogue: Flask-Babel with catalogues compiled in memory at start.

The catalogues are ``eventhub/translations/<locale>/LC_MESSAGES/messages.po``; msgids are the
English texts. They are compiled when the app starts (no .mo file is built or committed), and
Flask-Babel's ``gettext``, ``lazy_gettext`` and its Jinja ``_()`` read them as usual.

The locale of an API request follows Accept-Language (English unless Japanese is preferred, as
the API has always answered); a page is Japanese unless its reader switched to English. Code
without a request (workers, the CLI) sets one with ``flask_babel.force_locale``. This module
is the one place that compares language codes: data kept in a Japanese and an English column
is chosen with ``pick``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import flask_babel
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale

from eventhub.messages import in_words

LOCALES = ("en", "ja")
DEFAULT_LOCALE = "en"
#: Pages are read by the programme's exhibitors, organisers and visitors: Japanese first.
PAGE_DEFAULT_LOCALE = "ja"
TRANSLATIONS = Path(__file__).parent / "translations"


@functools.cache
def catalogue(locale: str) -> Translations:
    """The compiled catalogue of ``locale`` (one of ``LOCALES``), built once per process."""
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        source = read_po(po, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    return Translations(fp=compiled, domain="messages")


def translate(msgid: str, locale: str, **params: Any) -> str:
    """``msgid`` in ``locale`` with its placeholders filled; needs no app or request."""
    words = catalogue(locale).gettext
    text: str = words(msgid)
    return text % in_words(params, words) if params else text


def fill(msgid: str, values: Mapping[str, Any]) -> str:
    """``msgid`` in the request's language, its placeholders filled from ``values``: the one
    way an error's text is written, so codes read as words wherever it is shown."""
    text: str = flask_babel.gettext(msgid)
    return text % in_words(values, flask_babel.gettext) if "%(" in text else text


def is_english(locale: object) -> bool:
    return str(locale) == "en"


def pick(ja: str | None, en: str | None, locale: object, *, fall_back: bool = True) -> str:
    """A value kept in two columns, in ``locale``; Japanese is the one always given.

    English falls back to Japanese; Japanese falls back to English only if ``fall_back``.
    """
    if is_english(locale):
        return en or ja or ""
    return (ja or en or "") if fall_back else (ja or "")


class _CatalogueDomain(Domain):
    """Flask-Babel's domain, reading the catalogues compiled in memory instead of .mo files."""

    def get_translations(self) -> Translations | NullTranslations:
        locale = get_locale()
        if locale is None or str(locale) not in LOCALES:
            return NullTranslations()
        return catalogue(str(locale))


class _Babel(Babel):
    @functools.cached_property
    def domain_instance(self) -> Domain:
        return _CatalogueDomain()


def _request_locale() -> str | None:
    if not has_request_context():
        return None
    if request.path == "/api" or request.path.startswith("/api/"):
        return "ja" if request.accept_languages.best_match(LOCALES) == "ja" else "en"
    # Pages are Japanese unless the reader switched to English; the switch is kept in the
    # page session (and on the account, for the next session).
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else PAGE_DEFAULT_LOCALE


babel = _Babel()


def init_app(app: Flask) -> None:
    babel.init_app(app, default_locale=DEFAULT_LOCALE, locale_selector=_request_locale)
    for locale in LOCALES:
        catalogue(locale)  # a broken catalogue stops the start, not a request
