"""Import 10,000 forecast lines (time and peak memory), re-upload them (all unchanged), and
serve the catalogue /previsions/ over 10,000 published lines (first page, a filtered page, a
search, a deep page).

    .venv/bin/python benchmarks/buyers_import_catalogue.py [--lines 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_buyers_bench \
        .venv/bin/python benchmarks/buyers_import_catalogue.py

A throw-away test database is created (SQLite by default, PostgreSQL given DATABASE_URL) with
the demo CPV extract (184 codes). Peak memory is tracemalloc's (Python allocations).
"""

import argparse
import random
import resource
import statistics
import time
import tracemalloc

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--lines", type=int, default=10_000)
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
parser.add_argument("--no-catalogue", action="store_true", help="imports only")
args = parser.parse_args()

connection, db_name = setup()

from django.db import connection as conn  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from buyers.demo import seed_cpv  # noqa: E402
from buyers.models import CpvCode, PlannedContract  # noqa: E402
from buyers.resources import HEADERS  # noqa: E402
from buyers.services import forecast_import  # noqa: E402
from tests.buyers.forecast_files import csv_bytes, row, xlsx_bytes  # noqa: E402
from tests.factories.buyers import (  # noqa: E402
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
)

seed_cpv()
codes = list(CpvCode.objects.filter(level__gte=5).values_list("code", flat=True))
rng = random.Random(7)
organisation = BuyerOrganisationFactory(name="Acheteur du banc d'essai")
rows = [
    row(
        Référence=f"B-{i:05d}",
        Objet=f"Marché {i} — {rng.choice(['entretien', 'travaux', 'fournitures', 'services'])}",
        Code_CPV_principal=rng.choice(codes),
        Codes_CPV_complémentaires=rng.choice(["", rng.choice(codes)]),
        Montant_estimé____HT_=f"{rng.randrange(5_000, 2_000_000)} ,00".replace(" ", ""),
        Trimestre_de_publication=f"T{rng.randint(1, 4)}",
        Marché_réservé=rng.choice(["Non"] * 8 + ["SIAE", "ESS"]),
        Clause_sociale=rng.choice(["oui", "non"]),
    )
    for i in range(args.lines)
]
content = (
    xlsx_bytes([[r[h] for h in HEADERS] for r in rows])
    if args.format == "xlsx"
    else csv_bytes(rows)
)
del rows
print(
    f"# {machine()}, {conn.vendor}, {args.lines} lignes, {args.format.upper()} "
    f"{len(content) / 1e6:.1f} Mo"
)


def measure(label, dry_run, memory=False):
    """Time without tracemalloc (it slows Python down); peak memory in a separate run."""
    if memory:
        tracemalloc.start()
    start = time.perf_counter()
    report = forecast_import(
        organisation=organisation,
        year=2031,
        file=content,
        file_format=args.format,
        dry_run=dry_run,
    )
    elapsed = time.perf_counter() - start
    assert not report.has_errors, report.error_lines()[:5]
    if memory:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{label}: pic mémoire Python (tracemalloc) {peak / 1e6:.0f} Mo")
    else:
        print(f"{label}: {elapsed:.1f} s — {report.summary()}")


measure("aperçu (dry run), base vide", dry_run=True)
measure("aperçu (dry run), base vide", dry_run=True, memory=True)
measure("import confirmé, 10 000 nouvelles", dry_run=False)
assert PlannedContract.objects.count() == args.lines
measure("ré-import du même fichier (aperçu)", dry_run=True)
measure("ré-import du même fichier (aperçu)", dry_run=True, memory=True)
print(
    "pic de mémoire du processus (ru_maxrss, tout compris) : "
    f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo"
)
if args.no_catalogue:
    connection.creation.destroy_test_db(db_name, verbosity=0)
    raise SystemExit

client = Client()
for label, params in [
    ("catalogue, page 1", {}),
    (
        "catalogue, filtres montant + trimestre + clause",
        {"amount": "100-500", "quarter": "2", "social_clause": "on"},
    ),
    ("catalogue, recherche « entretien »", {"q": "entretien"}),
    ("catalogue, recherche sans accents « marche ecoles »", {"q": "marche ecoles"}),
    ("catalogue, page 300", {"page": "300"}),
]:
    timings = []
    for _ in range(args.runs):
        with CaptureQueriesContext(conn) as queries:
            start = time.perf_counter()
            response = client.get("/previsions/", params)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    print(
        f"{label}: médiane {statistics.median(timings):.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms, {len(queries)} requêtes SQL"
    )

buyer = BuyerMembershipFactory(organisation=organisation).user
client.force_login(buyer)
PlannedContract.objects.update(status="published")
for label, params in [
    ("espace acheteur, page 1", {}),
    ("espace acheteur, page 150", {"page": "150"}),
]:
    timings = []
    for _ in range(args.runs):
        with CaptureQueriesContext(conn) as queries:
            start = time.perf_counter()
            response = client.get("/acheteurs/espace/", params)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    print(
        f"{label}: médiane {statistics.median(timings):.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms, {len(queries)} requêtes SQL"
    )

connection.creation.destroy_test_db(db_name, verbosity=0)
