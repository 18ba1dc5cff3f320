"""The directory's full-text expression, shared by the migration's index and the query.

PostgreSQL only uses the GIN index when the query repeats the indexed expression exactly, so both
are built from these constants. ``french_unaccent`` is the French configuration (stemming) with
the ``unaccent`` dictionary first: "élagage" and "elagages" meet.
"""

SEARCH_CONFIG = "french_unaccent"
SEARCH_FIELDS = ("legal_name", "trade_name", "description", "keywords", "labels")
SEARCH_DOCUMENT = (
    f"to_tsvector('{SEARCH_CONFIG}'::regconfig, "
    + " || ' ' || ".join(f'coalesce("companies_company"."{f}", \'\')' for f in SEARCH_FIELDS)
    + ")"
)
INDEX_NAME = "sourcing_company_search_gin"
