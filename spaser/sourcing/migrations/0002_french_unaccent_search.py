"""PostgreSQL: the unaccent extension, a French configuration without accents, and the GIN index
of the directory's search document (nothing on other databases: the search falls back there)."""

from django.db import migrations

from spaser.sourcing.search_sql import INDEX_NAME, SEARCH_CONFIG, SEARCH_DOCUMENT


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{SEARCH_CONFIG}')"
        f" THEN CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = french);"
        f" ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}"
        " ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;"
        " END IF; END $$"
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON "companies_company" '
        f"USING gin (({SEARCH_DOCUMENT}))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {SEARCH_CONFIG}")


class Migration(migrations.Migration):
    dependencies = [
        ("sourcing", "0001_meeting_outcomes"),
        ("companies", "0005_directory_consent"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
