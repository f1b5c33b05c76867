"""The Flask extensions, created unbound and bound to an app by ``create_app``."""

from __future__ import annotations

import http
from typing import TYPE_CHECKING, Any, ClassVar

import marshmallow as ma
import sqlalchemy as sa
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from celery import Celery, Task
from flask import Flask
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model as FlaskModel

from eventhub import problems
from eventhub.db import Base

#: What a 422 means on every operation; the document says it once, here.
UNPROCESSABLE = (
    "A field of the body or a query parameter is invalid: `errors` names each one with its "
    "`location` (json, query…). A query parameter that the operation does not "
    'list is refused as well, never ignored (`message` "Unknown field."), and so is a '
    "second value of a parameter that takes one (`?page=1&page=2`); only array parameters in "
    "the exploded form style (`kind=a&kind=b`) may repeat."
)


class ProblemApi(Api):
    """flask-smorest's Api answering errors as problem+json and documenting them so."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error: Any) -> Any:
        return problems.handle_http_exception(error)

    def _register_responses(self) -> None:
        """flask-smorest's response components for every status, as problem+json."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status == http.HTTPStatus.UNPROCESSABLE_ENTITY:
                response["description"] = f"{status.phrase}. {UNPROCESSABLE}"
            if not 100 <= status < 200 and status not in (204, 304):
                response["content"] = {problems.PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)
        default = {
            "description": "Any other error",
            "content": {problems.PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}},
        }
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


def schema_name(schema: type[ma.Schema] | ma.Schema) -> str:
    """OpenAPI component names: the class name, and "Patch" for partial (PATCH) bodies."""
    cls = resolve_schema_cls(schema)
    assert isinstance(cls, type)  # a single schema, never a list, names a component
    name: str = cls.__name__.removesuffix("Schema")
    if isinstance(schema, ma.Schema) and schema.partial:
        name = name.removesuffix("Update") + "Patch"
    return name


def openapi_plugin() -> MarshmallowPlugin:
    return MarshmallowPlugin(schema_name_resolver=schema_name)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # mypy cannot take an attribute such as ``db.Model`` as a base class (python/mypy#8603): it
    # would make every model a subclass of Any, where ``user.emial`` type-checks. Models subclass
    # ``Model`` instead. For mypy it is what Flask-SQLAlchemy builds from ``Base`` (its model
    # mixin, ``query`` included, on our declarative base); at runtime it is ``db.Model`` itself,
    # so tables, metadata and naming convention are unchanged.
    class Model(FlaskModel, Base):
        __abstract__ = True
        #: Every model here maps a Table, never a select or a join (a FromClause in general).
        __table__: ClassVar[sa.Table]

else:
    Model = db.Model
migrate = Migrate()
api = ProblemApi()

#: Task modules, named rather than imported: ``eventhub`` never imports ``workers``.
TASK_MODULES = (
    "workers.health",
    "workers.accounts",
    "workers.mail",
    "workers.applications",
    "workers.passes",
    "workers.calendars",
    "workers.reports",
    "workers.tallies",
    "workers.privacy",
)


def celery_init_app(app: Flask) -> Celery:
    """The Flask docs' Celery pattern: every task runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask, include=list(TASK_MODULES))
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
