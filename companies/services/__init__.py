"""Writes of companies/, one module per area: import from the submodule that holds the function
(``companies.services.wishes``, ``.registration``, ``.selection``…)."""
