"""The directory's full-text search settings, shared with migration 0002 (which writes its SQL
out in full). ``french_unaccent`` is the French configuration (stemming) with the ``unaccent``
dictionary first, so "élagage" and "elagages" meet.
"""

SEARCH_CONFIG = "french_unaccent"
