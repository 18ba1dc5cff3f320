"""PostgreSQL: the ``unaccent`` extension and a ``french_unaccent`` text search configuration
(French stemming after removing accents), for searches that ignore accents and case. Nothing
on other databases (the search falls back on ``icontains``)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END $$;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [("buyers", "0002_siret_validation_catalogue_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
