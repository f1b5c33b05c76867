"""Attachments of applications: catalogues and photos, stored outside the database."""
