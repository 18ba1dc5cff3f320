"""The reads sourcing takes from the trainings module and the contracts register, in one place
(pages and exports call these, never the other apps directly)."""

import datetime as dt

from spaser import selectors as register
from trainings import selectors as trainings


def trainings_of(*, company_ids: list[int]) -> dict:
    """Company id → sessions attended (``trainings.selectors.company_trainings``)."""
    return trainings.company_trainings(company_ids=company_ids)


def contracts_held(*, sirets: list[str]) -> dict:
    """Holder SIRET → contracts in the register (``spaser.selectors.contracts_held``)."""
    return register.contracts_held(sirets=sirets)


def contracts_between(*, pairs: list[tuple[str, str]], since: dt.date) -> dict:
    """(buyer SIRET, holder SIRET) → contracts notified since (``contracts_between``)."""
    return register.contracts_between(pairs=pairs, since=since)
