"""Imports every domain's models so Alembic and the app see the whole schema."""
