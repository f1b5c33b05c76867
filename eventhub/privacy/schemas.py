"""What the personal-data endpoints answer."""

from __future__ import annotations

import marshmallow as ma

from eventhub import fields


class PersonalDataSchema(ma.Schema):
    """A person's data: the download is this document, as a JSON file."""

    exported_at = ma.fields.String()
    account = ma.fields.Dict()
    organisations = ma.fields.List(ma.fields.Dict())
    registrations = ma.fields.List(ma.fields.Dict())


class ErasedSchema(ma.Schema):
    registration_id = ma.fields.Integer()
    edition_id = ma.fields.Integer()
    erased_at = fields.DateTime()
