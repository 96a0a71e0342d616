"""The database layer: models, engine, unit of work, migrations. No Qt here."""
