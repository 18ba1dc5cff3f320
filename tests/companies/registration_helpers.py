"""Shared data for the registration tests: a valid POST of the public form."""

import random

from buyers.demo import make_siret
from tests.factories import CpvCodeFactory

PASSWORD = "Une-phrase-de-passe-2025"


def new_siret(seed: str = "registration") -> str:
    return make_siret(random.Random(seed))


def wrong_key_siret(seed: str = "registration") -> str:
    """A SIRET with 14 digits and a wrong Luhn key."""
    good = new_siret(seed)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def valid_post(**overrides) -> dict:
    """A complete, valid registration of a Montreuil painting company."""
    CpvCodeFactory(code="45442100", check_digit="8", label="Travaux de peinture")
    CpvCodeFactory(code="45000000", check_digit="7", label="Travaux de construction")
    data = {
        "siret": new_siret(),
        "legal_name": "Peintures de l'Est SARL",
        "trade_name": "Peintures de l'Est",
        "legal_form": "SARL",
        "creation_year": "2015",
        "size_class": "micro",
        "headcount_band": "1-9",
        "turnover_band": "100k-500k",
        "ess_status": "none",
        "siae_type": "",
        "labels": "Qualibat",
        "address": "12 rue de Paris",
        "postal_code": "93100",
        "commune": "Montreuil",
        "work_area": "Seine-Saint-Denis",
        "description": "Peinture intérieure et ravalement de façades.",
        "naf_code": "4334Z",
        "cpv_codes": "45442100-8, 45000000",
        "keywords": "peinture, ravalement",
        "references": "Ville de Bagnolet, peinture d'une école, 2023",
        "wants_cocontracting": "on",
        "workshops": "Répondre à plusieurs",
        "training_needs": "Le DUME",
        "contact_name": "Awa Diallo",
        "contact_role": "Gérante",
        "email": "awa.diallo@peintures-est.fr",
        "contact_phone": "01 48 70 00 00",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accessibility_needs": "",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
