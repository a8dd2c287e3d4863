"""Alembic migrations of the assessment record (run by ``spinetriage db upgrade`` and at startup)."""
