"""Storage adapters: SQLAlchemy 2 on SQLite or PostgreSQL, with Alembic migrations."""
