"""PostgreSQL adapter: models, engine, migrations and repositories."""
