"""The archive's Alembic environment: `env.py` and one file per revision in `versions/`."""
