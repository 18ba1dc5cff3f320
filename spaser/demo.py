"""Part of ``seed_demo``: a contracts register for the dashboard, read through the real DECP import.

About 700 contracts notified from 2022 to this year by Est Ensemble and its 9 cities, their
social and environmental considerations slowly rising as the SPASER asks, a quarter of them held
by companies registered on Ellipse, plus the insertion hours the clause facilitator reports. The
territory's demo buyers get their real SIREN so that the register and the filters line up."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from buyers.demo import make_siret
from buyers.models import BuyerOrganisation
from companies.models import Registration

from .groups import CITIES, EST_ENSEMBLE_SIREN
from .models import Contract, ManualEntry
from .services import decp_import

TERRITORY = {"Est Ensemble": EST_ENSEMBLE_SIREN} | {name: siren for _slug, name, siren in CITIES}
CPV_OBJECTS = [
    ("45442100-8", "Travaux de peinture des bâtiments communaux"),
    ("77310000-6", "Entretien des espaces verts"),
    ("90910000-9", "Nettoyage des locaux administratifs"),
    ("55520000-1", "Restauration collective"),
    ("45330000-9", "Travaux de plomberie"),
    ("79341000-6", "Communication et campagnes d'information"),
    ("30192000-1", "Fournitures de bureau"),
    ("71000000-8", "Maîtrise d'œuvre"),
]
SOCIAL = ["Clause sociale", "Critère social", "Marché réservé"]
ENVIRONMENTAL = ["Clause environnementale", "Critère environnemental"]


def _territory_sirets(rng: random.Random) -> list[str]:
    """The SIRETs of Est Ensemble and the 9 cities, given to their demo organisations."""
    sirets = []
    for org in BuyerOrganisation.objects.filter(short_name__in=[*TERRITORY, "Le Pré"]):
        key = "Le Pré-Saint-Gervais" if org.short_name == "Le Pré" else org.short_name
        siren = TERRITORY.get(key)
        if siren and not org.siret.startswith(siren):
            org.siret = make_siret(random.Random(f"siret-{siren}"), prefix=siren[:8])
            org.save(update_fields=["siret"])
        sirets.append(org.siret)
    return sirets or [make_siret(rng, prefix=EST_ENSEMBLE_SIREN[:8])]


def _record(
    rng: random.Random, index: int, *, buyer: str, year: int, holder: str, today: dt.date
) -> dict:
    progress = min(max(year - 2022, 0), 4) / 4  # the plan's effect, 2022 → 2026
    social = [s for s in SOCIAL[:2] if rng.random() < 0.18 + 0.25 * progress]
    if rng.random() < 0.03 + 0.04 * progress:
        social.append("Marché réservé")
    environmental = [e for e in ENVIRONMENTAL if rng.random() < 0.25 + 0.35 * progress]
    cpv, obj = CPV_OBJECTS[index % len(CPV_OBJECTS)]
    notified = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 360))
    notified = min(notified, today - dt.timedelta(days=30))  # published, so in the past
    amount = round(rng.lognormvariate(10.6, 1.1), 2)
    return {
        "id": f"{year}-D{index:04d}",
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": obj,
        "codeCPV": cpv,
        "procedure": "Procédure adaptée" if amount < 221000 else "Appel d'offres ouvert",
        "dureeMois": rng.choice([12, 24, 36, 48]),
        "dateNotification": notified.isoformat(),
        "datePublicationDonnees": (notified + dt.timedelta(days=20)).isoformat(),
        "montant": amount,
        "marcheInnovant": rng.random() < 0.02,
        "ccag": "Travaux" if cpv.startswith("45") else "Fournitures courantes et services",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": holder}}],
        "considerationsSociales": {
            "considerationSociale": social or ["Pas de considération sociale"]
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": environmental
            or ["Pas de considération environnementale"]
        },
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "offresRecues": rng.randint(1, 9),
        "attributionAvance": False,
        "typeGroupementOperateurs": "Pas de groupement",
        "lieuExecution": {"code": "93", "typeCode": "Code département"},
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "formePrix": "Forfaitaire",
        "sousTraitanceDeclaree": False,
    }


def demo_seed(*, edition, rng: random.Random) -> None:
    if Contract.objects.exists():  # the demo is safe to run twice
        return
    local = random.Random(93)  # its own sequence: the other demo parts stay as they are
    buyers = _territory_sirets(local)
    ellipse = list(
        Registration.objects.filter(status="retained")
        .values_list("company__siret", flat=True)
        .distinct()
    )
    today = timezone.localdate()
    last = today.year
    records = []
    for index in range(700):
        year = local.randint(2022, last)
        holder = local.choice(ellipse) if ellipse and local.random() < 0.25 else make_siret(local)
        buyer = local.choice(buyers)
        records.append(_record(local, index, buyer=buyer, year=year, holder=holder, today=today))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "decp-demo-est-ensemble.json"
        path.write_text(json.dumps({"marches": {"marche": records}}), encoding="utf-8")
        decp_import(path=path, file_name="decp-demo-est-ensemble.json")
    territory = BuyerOrganisation.objects.filter(short_name="Est Ensemble").first()
    for year, hours in ((2023, 38200), (2024, 41600), (2025, 45100)):
        ManualEntry.objects.get_or_create(
            year=year,
            buyer=territory,
            indicator="insertion_hours",
            defaults={
                "value": Decimal(hours),
                "source": "Facilitateur des clauses sociales (démonstration)",
                "entered_on": dt.date(year + 1, 1, 31),
            },
        )
