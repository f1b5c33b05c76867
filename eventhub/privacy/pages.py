"""The account page's download of one's own data (the API's ``/users/me/data`` for pages)."""

from __future__ import annotations

from flask import Blueprint, Response

from eventhub.privacy import service
from eventhub.privacy.api import download
from eventhub.web.auth import page_login_required, signed_in_user

bp = Blueprint("privacy_pages", __name__)


@bp.get("/account/data")
@page_login_required()
def my_data() -> Response:
    return download(service.personal_data(signed_in_user()))
