"""The few reads sourcing needs from modules that may not be there yet (trainings, the contracts
register). Each returns None when the module does not offer the function: the page then says the
data is not available yet. Wired once, here."""

import datetime as dt
import importlib


def _function(module: str, name: str):
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def trainings_of(*, company_ids: list[int]) -> dict | None:
    """``trainings.selectors.company_trainings``: company id → sessions attended."""
    fn = _function("trainings.selectors", "company_trainings")
    return None if fn is None else fn(company_ids=company_ids)


def contracts_held(*, sirets: list[str]) -> dict | None:
    """``spaser.selectors.contracts_held``: holder SIRET → contracts in the register."""
    fn = _function("spaser.selectors", "contracts_held")
    return None if fn is None else fn(sirets=sirets)


def contracts_between(*, pairs: list[tuple[str, str]], since: dt.date) -> dict | None:
    """``spaser.selectors.contracts_between``: (buyer SIRET, holder SIRET) → contracts since."""
    fn = _function("spaser.selectors", "contracts_between")
    return None if fn is None else fn(pairs=pairs, since=since)
