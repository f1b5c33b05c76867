"""The gate scanner: a web app at ``/gate/`` that checks passes online, and offline alone.

Everything it needs ships in this package (no CDN): the page, its scripts, a service worker
and a manifest, so that once opened and paired it opens and scans with no network at all.
It talks to the device API (``/api/v1/device/…``) with the token it gets by pairing; the
rules it applies offline are documented in docs/gate-scanner.md.
"""
