"""The app exactly as ``wsgi.py`` builds it, plus one route for ``bench_gate_http.py``.

``POST /bench/scan-without-scanning`` (``WITHOUT_SCANNING``) is the scan request without the
scan: the same device authentication, request schema and answer schema as
``POST /api/v1/device/scans``, but a fixed answer instead of reading and recording the pass.
It shows what the HTTP request of a scan costs on its own, next to the bare endpoint.
"""

from __future__ import annotations

from typing import Any

from bench_gate_http import WITHOUT_SCANNING
from flask_smorest import Blueprint

from eventhub import create_app
from eventhub.checkin import schemas as schemas
from eventhub.checkin.device_auth import device_required
from eventhub.checkin.models import ScanResult
from eventhub.checkin.scanning import Outcome

app = create_app()
blp = Blueprint("bench", __name__)


@blp.post(WITHOUT_SCANNING)
@device_required
@blp.arguments(schemas.ScanRequestSchema())
@blp.response(200, schemas.ScanOutcomeSchema)
def scan_without_scanning(data: dict[str, Any]) -> dict[str, Any]:
    return Outcome(ScanResult.ADMITTED, 1, data["nonce"], "general", 1).as_dict()


app.register_blueprint(blp)
