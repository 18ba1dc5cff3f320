"""Hand-made DECP v2 records and files for the SPASER tests."""

import json
from pathlib import Path

EE = "20005787500017"  # Est Ensemble (SIREN 200057875)
PANTIN = "21930055500014"
OTHER = "13001845000028"
SMALL = "80295478500028"  # a TPE registered on Ellipse in the tests
BIG = "55204599900869"


def marche(
    id,
    *,
    buyer=EE,
    date="2024-03-01",
    amount=50000,
    social=("Pas de considération sociale",),
    environmental=("Pas de considération environnementale",),
    holders=(BIG,),
    published="2024-03-10",
    modifications=(),
    innovative=False,
    procedure="Appel d'offres ouvert",
    **extra,
):
    record = {
        "id": id,
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": f"Objet {id}",
        "codeCPV": "45000000-7",
        "procedure": procedure,
        "dureeMois": 12,
        "dateNotification": date,
        "datePublicationDonnees": published,
        "montant": amount,
        "marcheInnovant": innovative,
        "ccag": "Travaux",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": h}} for h in holders],
        "considerationsSociales": {"considerationSociale": list(social)},
        "considerationsEnvironnementales": {"considerationEnvironnementale": list(environmental)},
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "offresRecues": 3,
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "lieuExecution": {"code": "93", "typeCode": "Code département"},
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "formePrix": "Forfaitaire",
        "sousTraitanceDeclaree": False,
    }
    if modifications:
        record["modifications"] = [{"modification": m} for m in modifications]
    record.update(extra)
    return {k: v for k, v in record.items() if v is not None}


def write_v2(path: Path, marches=(), concessions=()) -> Path:
    body = {"marches": {}}
    if marches:
        body["marches"]["marche"] = list(marches)
    if concessions:
        body["marches"]["contrat-concession"] = list(concessions)
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


# The hand-worked register of test_indicators: 2024, buyer Est Ensemble unless stated.
#  A 50,000 env+social           -> over 40k, social
#  B 40,000 social clause        -> exactly 40 k€: neither over nor under
#  C 39,999.99 reserved, TPE     -> under 40k, social, reserved, small
#  D 120,000 nothing             -> over 40k
#  D again, newer publication, environmental -> replaces D (counts once)
#  E 2023-12-31 social           -> year 2023, not 2024
#  F 2025-01-01                  -> year 2025
#  G Pantin 80,000 social+env    -> other buyer
#  H missing montant             -> rejected
HAND_REGISTER = [
    marche("A", amount=50000, social=["Clause sociale"], environmental=["Critère environnemental"]),
    marche("B", amount=40000, social=["Clause sociale"]),
    marche("C", amount="39999.99", social=["Marché réservé"], holders=[SMALL]),
    marche("D", amount=120000),
    marche(
        "D",
        amount=120000,
        environmental=["Clause environnementale"],
        published="2024-06-01",
        modifications=[
            {
                "id": 1,
                "montant": 130000,
                "datePublicationDonneesModification": "2024-06-01",
                "dateNotificationModification": "2024-05-30",
            }
        ],
    ),
    marche("E", date="2023-12-31", social=["Critère social"]),
    marche("F", date="2025-01-01"),
    marche(
        "G",
        buyer=PANTIN,
        amount=80000,
        social=["Clause sociale"],
        environmental=["Clause environnementale"],
    ),
    marche("H", amount=None),
]
