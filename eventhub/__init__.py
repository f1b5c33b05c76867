"""eventhub: exhibitor applications, QR passes, calendar feeds and results reports."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Blueprint
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from eventhub import (
    api_docs,
    bounds,
    control_characters,
    http_headers,
    i18n,
    locking,
    logs,
    metrics,
    openapi,
    problems,
    query_parameters,
    rate_limits,
    secret_keys,
)
from eventhub.config import engine_options, load_config
from eventhub.errors import DomainError


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app factory: settings from the environment, then ``config`` on top (for tests).

    EVENTHUB_INSTANCE_PATH moves the instance folder (SQLite file, generated secret key).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("EVENTHUB_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        celery_overrides = config.get("CELERY", {})
        app.config.update({k: v for k, v in config.items() if k != "CELERY"})
        app.config["CELERY"] = {**app.config["CELERY"], **celery_overrides}
        if "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
                app.config["SQLALCHEMY_DATABASE_URI"]
            )
    secret_keys.init_app(app)
    # Before any route is added: every <int:…> path id is bounded (see eventhub.bounds).
    app.url_map.converters["int"] = bounds.BoundedIntConverter
    assert isinstance(app.json, DefaultJSONProvider)  # Flask's own: these are its options
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the schemas' field order

    from eventhub import cli, models  # noqa: F401  (models: every table known to Alembic)
    from eventhub.db import render_migration_item
    from eventhub.extensions import api, celery_init_app, db, migrate, openapi_plugin
    from eventhub.passes.schemas import PASS_KEY_HEADER

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(migrations_directory()),
        # SQLite alters tables by copying them; batch mode does that for every migration.
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    api.init_app(
        app,
        spec_kwargs={
            "marshmallow_plugin": openapi_plugin(),
            "extra_plugins": [
                openapi.StandardErrorsPlugin(),
                openapi.OperationIdPlugin(app),
                openapi.RequestExamplesPlugin(),
                openapi.SchemaRulesPlugin(),
            ],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    # The pass holder's key, also accepted as ?key= on the same endpoints.
                    "passKey": {"type": "apiKey", "in": "header", "name": PASS_KEY_HEADER},
                }
            },
        },
    )
    # Every Integer field of every request schema is bounded and documents it (eventhub.bounds).
    api.ma_plugin.converter.add_attribute_function(bounds.document_maximum)
    # Patterns, labels, help and rules each field declares; series_fields' oneOf (eventhub.openapi).
    openapi.init_converter(api.ma_plugin.converter)
    Blueprint.ARGUMENTS_PARSER = bounds.BoundedParser()
    app.register_error_handler(DBAPIError, problems.handle_database_error)
    app.register_error_handler(StaleDataError, locking.handle_stale_data)
    app.register_error_handler(DomainError, problems.handle_domain_error)
    # First: the request id is in every log line, and the clock runs from the first hook.
    logs.init_app(app)
    metrics.init_app(app)
    app.before_request(bounds.check_json_depth)  # then: the next hook parses the body
    app.before_request(control_characters.check_request)
    app.after_request(http_headers.private_by_default)
    i18n.init_app(app)
    celery_init_app(app)

    from eventhub.accounts.api import blp as accounts_blp
    from eventhub.applications.api import blp as applications_blp
    from eventhub.audit.api import blp as audit_blp
    from eventhub.bookings.api import blp as bookings_blp
    from eventhub.booths.api import blp as booths_blp
    from eventhub.calendars.api import blp as calendars_blp
    from eventhub.checkin.api import blp as gates_blp
    from eventhub.documents.api import blp as documents_blp
    from eventhub.events.api import blp as events_blp
    from eventhub.health.api import blp as health_blp
    from eventhub.passes.api import blp as passes_blp
    from eventhub.privacy.api import blp as privacy_blp
    from eventhub.reports.api import blp as reports_blp
    from eventhub.tallies.api import blp as tallies_blp

    for blueprint in (
        health_blp,
        accounts_blp,
        events_blp,
        applications_blp,
        documents_blp,
        booths_blp,
        passes_blp,
        gates_blp,
        bookings_blp,
        calendars_blp,
        reports_blp,
        tallies_blp,
        privacy_blp,
        audit_blp,
    ):
        api.register_blueprint(blueprint)
    # Every operation refuses the query parameters it does not document (422 naming them).
    query_parameters.init_app(app, api.spec.to_dict())
    _register_pages(app)
    api_docs.init_app(app)
    # Last: it limits endpoints of the API and the pages alike, all registered by now.
    rate_limits.init_app(app)
    cli.register(app)
    return app


def migrations_directory() -> Path:
    """The Alembic migrations: ``migrations/`` at the top of a source checkout (an editable
    install too), else the copy that the wheel carries inside the package (setup.py)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "migrations"
    return checkout if (checkout / "env.py").is_file() else package / "migrations"


def _register_pages(app: Flask) -> None:
    """The web pages of every area, after the API: their error handlers answer HTML on pages
    and defer to the API's problem+json under /api/."""
    from eventhub import web
    from eventhub.accounts.organisation_pages import bp as organisation_pages
    from eventhub.accounts.pages import bp as accounts_pages
    from eventhub.accounts.user_pages import bp as user_pages
    from eventhub.applications.export_pages import bp as export_pages
    from eventhub.applications.pages import bp as exhibitor_pages
    from eventhub.applications.prefecture_pages import bp as prefecture_pages
    from eventhub.applications.review_pages import bp as organiser_pages
    from eventhub.audit.pages import bp as audit_pages
    from eventhub.bookings.pages import bp as booking_pages
    from eventhub.booths.pages import bp as booth_pages
    from eventhub.checkin.pages import bp as gate_pages
    from eventhub.events.pages import bp as event_pages
    from eventhub.events.public_pages import bp as public_pages
    from eventhub.gate.views import bp as gate_scanner
    from eventhub.passes.pages import bp as pass_pages
    from eventhub.privacy.pages import bp as privacy_pages
    from eventhub.reports.public_pages import bp as report_pages
    from eventhub.tallies.pages import bp as tally_pages

    web.init_app(
        app,
        pages=[
            public_pages,
            accounts_pages,
            organisation_pages,
            exhibitor_pages,
            pass_pages,
            booking_pages,
            report_pages,
            organiser_pages,
            prefecture_pages,
            event_pages,
            booth_pages,
            export_pages,
            tally_pages,
            user_pages,
            audit_pages,
            privacy_pages,
            gate_pages,
        ],
    )
    # The gate scanner: its own page, service worker and manifest at /gate/.
    app.register_blueprint(gate_scanner)
