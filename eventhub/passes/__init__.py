"""Attendee and staff passes: signed QR tokens, edition signing keys, QR images.

Import the submodules directly (``eventhub.passes.tokens``, ``.keys``, ``.qr``):
this package re-exports nothing, so the scan path does not load PIL and
``qrcode`` just to verify a token.
"""
