"""Exhibitor applications, their per-series forms and the review workflow."""
