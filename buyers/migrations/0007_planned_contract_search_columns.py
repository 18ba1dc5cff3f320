"""PostgreSQL: each planned contract's search document stored once, indexed, kept right by
triggers (the catalogue search used to rebuild it for every published line, twice a page).

Two columns that the model does not declare (Django neither reads nor writes them; only
``buyers.selectors.planned_contracts_search`` uses them): ``search_text``, the document in lower
case without accents (for parts of words, GIN trigram index) and ``search_vector``, its French
full-text vector (GIN index). The document is the reference, title, description, main CPV
label and the buyer's names, as before. A BEFORE trigger fills both on every insert and update
of those columns; renaming a buyer or a CPV label touches its lines so that they follow. The
SQL is written out here so that later code changes cannot alter what this migration did.
Nothing on other databases (the search falls back on ``icontains``).
"""

from django.db import migrations

CONFIG = "french_unaccent"  # buyers 0003

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE buyers_plannedcontract
        ADD COLUMN search_text text NOT NULL DEFAULT '',
        ADD COLUMN search_vector tsvector""",
    f"""CREATE OR REPLACE FUNCTION buyers_plannedcontract_search() RETURNS trigger AS $$
    DECLARE document text;
    BEGIN
        SELECT concat_ws(' ', NEW.reference, NEW.title, NEW.description,
                         (SELECT c.label FROM buyers_cpvcode c WHERE c.code = NEW.cpv_main_id),
                         o.name, o.short_name)
          INTO document
          FROM buyers_buyerorganisation o WHERE o.id = NEW.organisation_id;
        document := coalesce(document, '');
        NEW.search_text := unaccent(lower(document));
        NEW.search_vector := to_tsvector('{CONFIG}'::regconfig, document);
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER buyers_plannedcontract_search
        BEFORE INSERT OR UPDATE OF reference, title, description, cpv_main_id, organisation_id
        ON buyers_plannedcontract FOR EACH ROW EXECUTE FUNCTION buyers_plannedcontract_search()""",
    """CREATE OR REPLACE FUNCTION buyers_organisation_search_touch() RETURNS trigger AS $$
    BEGIN
        UPDATE buyers_plannedcontract SET organisation_id = organisation_id
         WHERE organisation_id = NEW.id;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER buyers_organisation_search_touch
        AFTER UPDATE OF name, short_name ON buyers_buyerorganisation FOR EACH ROW
        WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name)
        EXECUTE FUNCTION buyers_organisation_search_touch()""",
    """CREATE OR REPLACE FUNCTION buyers_cpvcode_search_touch() RETURNS trigger AS $$
    BEGIN
        UPDATE buyers_plannedcontract SET cpv_main_id = cpv_main_id WHERE cpv_main_id = NEW.code;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER buyers_cpvcode_search_touch
        AFTER UPDATE OF label ON buyers_cpvcode FOR EACH ROW
        WHEN (OLD.label IS DISTINCT FROM NEW.label)
        EXECUTE FUNCTION buyers_cpvcode_search_touch()""",
    "UPDATE buyers_plannedcontract SET reference = reference",
    """CREATE INDEX buyers_plannedcontract_search_vector
        ON buyers_plannedcontract USING gin (search_vector)""",
    """CREATE INDEX buyers_plannedcontract_search_text
        ON buyers_plannedcontract USING gin (search_text gin_trgm_ops)""",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS buyers_cpvcode_search_touch ON buyers_cpvcode",
    "DROP FUNCTION IF EXISTS buyers_cpvcode_search_touch()",
    "DROP TRIGGER IF EXISTS buyers_organisation_search_touch ON buyers_buyerorganisation",
    "DROP FUNCTION IF EXISTS buyers_organisation_search_touch()",
    "DROP TRIGGER IF EXISTS buyers_plannedcontract_search ON buyers_plannedcontract",
    "DROP FUNCTION IF EXISTS buyers_plannedcontract_search()",
    """ALTER TABLE buyers_plannedcontract
        DROP COLUMN IF EXISTS search_text, DROP COLUMN IF EXISTS search_vector""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("buyers", "0006_forecast_import_job_progress_on_background_job")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
