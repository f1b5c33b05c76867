"""A bounded, property-based run of schemathesis over the whole OpenAPI document.

schemathesis generates requests from the document (valid and invalid ones), sends them to the
app through WSGI (no network) as an organiser and anonymously, and applies all of its default
checks to each answer. No request may cause a server error, and every answer must be what the
document says: status, content type, headers and body.

The run is bounded (few examples per operation, a fixed seed, no shrinking) so that it takes a
couple of minutes and fails the same way twice. ``positive_data_acceptance`` failures are
counted and printed but do not fail the test: they are schema-valid requests that a rule the
schema cannot state refuses with 422 (an end before its start, a token that is not one of ours,
a past deadline), which is the answer the document gives for them.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from eventhub.accounts import service as accounts
from eventhub.extensions import db
from tests import services
from tests.conftest import PASSWORD, _make_app

#: Checks whose failures are reported but allowed (see the module's docstring).
REPORTED_ONLY = {"positive_data_acceptance"}
SEED = 20261206
MAX_EXAMPLES = 3


@dataclass
class Figures:
    requests: int = 0
    checks: collections.Counter[str] = field(default_factory=collections.Counter)
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    examples: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    transport_errors: int = 0

    def __str__(self) -> str:
        lines = [
            f"{self.requests} requests; checks run: {dict(self.checks)}",
            f"failures by check: {dict(self.failures)}",
            f"schemathesis' own transport errors (max_redirects): {self.transport_errors}",
            *(f"{check} {label}: {text}" for (check, label), text in sorted(self.examples.items())),
            *self.errors,
        ]
        return "\n".join(lines)


def run(app: Flask, headers: dict[str, str]) -> Figures:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": headers,
            "generation": {"max-examples": MAX_EXAMPLES, "no-shrink": True},
            # Sequences of calls (links between operations) are not described in the document.
            "phases": {"stateful": {"enabled": False}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    figures = Figures()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            figures.requests += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    figures.checks[check.name] += 1
                    if check.failure_info is None:
                        continue
                    figures.failures[check.name] += 1
                    key = (check.name, recorder.label)
                    if key not in figures.examples:
                        failure = check.failure_info.failure
                        interaction = recorder.interactions.get(case_id)
                        request = interaction.request if interaction else None
                        figures.examples[key] = f"{failure.title}: {failure.message[:300]}" + (
                            f" [{request.method} {request.uri}]" if request else ""
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            error = getattr(event, "value", None) or getattr(event, "exception", None)
            # schemathesis' WSGI transport hands werkzeug's client the ``max_redirects`` of
            # its requests transport on some follow-up calls; that is schemathesis' own error,
            # not an answer of ours. Everything else (an exception the app raised) counts.
            if isinstance(error, TypeError) and "max_redirects" in str(error):
                figures.transport_errors += 1
                continue
            figures.errors.append(f"{type(event).__name__}: {getattr(event, 'info', event)}")
    return figures


@pytest.fixture
def embedded_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The embedded default (SQLite, eager tasks) on a database of the run's own: what it
    creates and breaks stays there. Not the suite's ``app``, so the PostgreSQL run of the
    suite (--database-tests-only) leaves this test out."""
    monkeypatch.setenv("EVENTHUB_INSTANCE_PATH", str(tmp_path))
    app = _make_app(f"sqlite:///{tmp_path / 'schemathesis.sqlite3'}", tmp_path)
    with app.app_context():
        services.migrate_to_head()
        accounts.create_organiser("organiser@example.jp", PASSWORD, "主催 太郎")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("who", ["organiser", "anonymous"])
def test_no_generated_request_breaks_the_server_or_the_document(
    embedded_app: Flask, who: str
) -> None:
    headers: dict[str, str] = {"Accept-Language": "en"}
    if who == "organiser":
        login = embedded_app.test_client().post(
            "/api/v1/auth/login", json={"email": "organiser@example.jp", "password": PASSWORD}
        )
        headers["Authorization"] = f"Bearer {login.json['token']}"
    figures = run(embedded_app, headers)
    print(figures)  # the figures of the run, in the test's output  # noqa: T201
    assert figures.requests > 1000, figures
    assert "not_a_server_error" in figures.checks, figures
    assert "response_schema_conformance" in figures.checks, figures
    breaking = {name: n for name, n in figures.failures.items() if name not in REPORTED_ONLY}
    assert not breaking, figures
    assert not figures.errors, figures
