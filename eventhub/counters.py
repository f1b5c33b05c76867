"""The domain's Prometheus counters, counted where the work happens; ``/metrics`` shows them.

A leaf module (prometheus-client only), so that any service may count without import cycles.
"""

from __future__ import annotations

from prometheus_client import Counter

SCANS = Counter("eventhub_scans_total", "Scans decided, by result.", ["result"])
PASSES_ISSUED = Counter("eventhub_passes_issued_total", "Passes issued (signed and stored).")
FEED_REBUILDS = Counter("eventhub_feed_rebuilds_total", "Calendar feeds rebuilt and stored.")
REPORT_BUILDS = Counter(
    "eventhub_report_builds_total",
    "Report builds finished, by status (done or failed).",
    ["status"],
)
