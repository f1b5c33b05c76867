"""Booths of an edition and their allocation to approved applications."""
