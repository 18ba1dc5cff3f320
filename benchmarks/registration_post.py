"""Time the public registration end to end: POST /entreprises/inscription/ with a valid form
(account, company, registration, 3 wishes, 2 CPV codes, acknowledgement and verification
e-mails through the outbox, Celery eager), plus the form page and the CPV search.

    .venv/bin/python benchmarks/registration_post.py [--runs 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_registration \
        .venv/bin/python benchmarks/registration_post.py

A throw-away test database is created (SQLite by default, PostgreSQL given DATABASE_URL) with
the real CPV nomenclature when ../shared/data is present (else the demo extract), 40 buyers and
200 published planned contracts.
"""

import argparse
import csv
import random
import statistics
import time

from _django import ROOT, machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=200)
args = parser.parse_args()

connection, db_name = setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from buyers.demo import make_siret, seed_cpv  # noqa: E402
from buyers.models import CpvCode  # noqa: E402
from companies.models import Company, Registration  # noqa: E402
from tests.factories import (  # noqa: E402
    BuyerParticipationFactory,
    EditionFactory,
    PlannedContractFactory,
)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_cpv() -> str:
    path = ROOT.parent / "shared" / "data" / "cpv" / "cpv_2008_fr.csv"
    if not path.exists():
        seed_cpv()
        return "demo extract"
    with path.open(encoding="utf-8") as handle:
        rows = [
            CpvCode(
                code=r["code8"],
                check_digit=r["code"].split("-")[1],
                label=r["libelle_fr"],
                level=int(r["niveau"]),
                division=r["division"],
            )
            for r in csv.DictReader(handle)
        ]
    CpvCode.objects.bulk_create(rows, batch_size=1000)
    return f"real nomenclature ({len(rows)} codes)"


try:
    cpv_source = load_cpv()
    edition = EditionFactory(year=2030)
    cpv = CpvCode.objects.filter(code="45442100").first() or CpvCode.objects.first()
    contracts = []
    for _buyer in range(40):
        participation = BuyerParticipationFactory(edition=edition)
        for _ in range(5):
            contracts.append(
                PlannedContractFactory(
                    organisation=participation.organisation, year=edition.year, cpv_main=cpv
                )
            )
    codes = list(CpvCode.objects.order_by("code").values_list("code", flat=True)[:2])
    rng = random.Random(1)
    client = Client()

    def post_data(i: int) -> dict:
        picked = rng.sample(contracts, 3)
        return {
            "siret": make_siret(random.Random(f"bench-{i}")),
            "legal_name": f"Entreprise {i}",
            "size_class": "micro",
            "headcount_band": "1-9",
            "ess_status": "none",
            "postal_code": "93100",
            "commune": "Montreuil",
            "description": "Peinture et ravalement.",
            "naf_code": "43.34Z",
            "cpv_codes": ", ".join(codes),
            "keywords": "peinture",
            "wish_contracts": [c.pk for c in picked],
            "available_slots": ["0", "1", "2"],
            "contact_name": f"Contact {i}",
            "email": f"contact{i}@bench.fr",
            "contact_phone": "01 48 70 00 00",
            "password1": "Une-phrase-de-passe-2025",
            "password2": "Une-phrase-de-passe-2025",
            "consent": "on",
        }

    def timed(fn, runs):
        out = []
        for i in range(runs):
            begin = time.perf_counter()
            fn(i)
            out.append((time.perf_counter() - begin) * 1000)
        return out

    def register(i):
        client.cookies.clear()
        response = client.post("/entreprises/inscription/", post_data(i))
        assert response.status_code == 302, response.content[:2000]

    def form_page(i):
        assert client.get("/entreprises/inscription/").status_code == 200

    words = ["peinture", "nettoyage", "traiteur", "menuiserie", "électricité", "4544", "travaux"]

    def search(i):
        if i % 100 == 0:
            cache.clear()  # the per-address rate limit
        response = client.get("/entreprises/cpv/", {"q": words[i % len(words)]})
        assert response.status_code == 200

    register(-1)  # warm-up (imports, NAF table, template cache)
    search(0)
    results = {
        "GET form page (200 contracts, 40 buyers)": timed(form_page, min(args.runs, 100)),
        "POST valid registration": timed(register, args.runs),
        "GET CPV search": timed(search, min(args.runs, 300)),
    }
    assert Company.objects.count() == Registration.objects.count() == args.runs + 1
    print(
        f"Machine: {machine()}; database: {connection.vendor}; CPV: {cpv_source}; "
        f"date: {time.strftime('%Y-%m-%d')}"
    )
    print("| request | runs | median (ms) | p95 (ms) | max (ms) |")
    print("|---|---|---|---|---|")
    for name, values in results.items():
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | "
            f"{percentile(values, 0.95):.1f} | {max(values):.1f} |"
        )
finally:
    connection.creation.destroy_test_db(db_name, verbosity=0)
