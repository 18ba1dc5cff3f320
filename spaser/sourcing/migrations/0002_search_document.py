"""The directory's full-text search (PostgreSQL only; other databases fall back in Python).

The unaccent extension, a French configuration that ignores accents, the table of each
company's vector with its GIN index, and the trigger on companies_company that keeps the vector
right on every insert and on every update of the searched columns. The SQL is written out here
(not imported) so that later code changes cannot alter what this migration did.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

CONFIG = "french_unaccent"


def _document(row: str) -> str:
    weights = (
        ("legal_name", "A"),
        ("trade_name", "A"),
        ("keywords", "A"),
        ("description", "B"),
        ("labels", "B"),
    )
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({row}.{field}, '')), '{weight}')"
        for field, weight in weights
    )


FORWARDS = [
    # The unaccent extension and the french_unaccent configuration: buyers 0003.
    "CREATE INDEX sourcing_searchdoc_gin ON sourcing_searchdocument USING gin (document)",
    f"""CREATE OR REPLACE FUNCTION sourcing_company_document() RETURNS trigger AS $$
    BEGIN
        INSERT INTO sourcing_searchdocument (company_id, document)
        VALUES (NEW.id, {_document("NEW")})
        ON CONFLICT (company_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER sourcing_company_document
        AFTER INSERT OR UPDATE OF legal_name, trade_name, keywords, description, labels
        ON companies_company FOR EACH ROW EXECUTE FUNCTION sourcing_company_document()""",
    f"""INSERT INTO sourcing_searchdocument (company_id, document)
        SELECT c.id, {_document("c")} FROM companies_company c
        ON CONFLICT (company_id) DO NOTHING""",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS sourcing_company_document ON companies_company",
    "DROP FUNCTION IF EXISTS sourcing_company_document()",
    "DROP INDEX IF EXISTS sourcing_searchdoc_gin",
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
    dependencies = [
        ("buyers", "0003_unaccent_french_search"),
        ("companies", "0005_directory_consent"),
        ("sourcing", "0001_meeting_outcomes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="companies.company",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "verbose_name": "index de recherche d'une entreprise",
                "verbose_name_plural": "index de recherche des entreprises",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
