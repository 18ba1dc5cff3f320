"""Import 100,000 generated DECP v2 records (time, peak memory), re-import them (all unchanged),
then time the SPASER dashboard and ``spaser_indicators --format json`` over that register.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_spaser_bench \
        .venv/bin/python benchmarks/spaser_register.py [--records 100000]

PostgreSQL is required (the register uses array fields). A throw-away test database is created.
Peak memory is the process's maximum resident set size (``getrusage``), Django included.
"""

import argparse
import io
import json
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--records", type=int, default=100_000)
parser.add_argument("--runs", type=int, default=20)
args = parser.parse_args()

connection, db_name = setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ellipse.accounts.roles import Role  # noqa: E402
from spaser.models import Contract  # noqa: E402
from spaser.services import decp_import  # noqa: E402
from tests.factories.accounts import UserFactory  # noqa: E402
from tests.factories.companies import CompanyFactory, RegistrationFactory  # noqa: E402
from tests.spaser.decp_files import marche  # noqa: E402

BUYERS = ["20005787500017", "21930055500014", "21930048000015", "21930053000017", "13001845000028"]
SOCIAL = [
    ["Pas de considération sociale"],
    ["Clause sociale"],
    ["Marché réservé"],
    ["Critère social"],
]
ENV = [["Pas de considération environnementale"], ["Clause environnementale"]]


def write_file(path: Path, count: int, holders: list[str]) -> None:
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"marches": {"marche": [')
        for i in range(count):
            year = rng.choice([2023, 2024, 2025])
            record = marche(
                f"B{i:07d}",
                buyer=rng.choice(BUYERS),
                date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                amount=rng.choice([rng.randint(1000, 39999), rng.randint(40001, 2_000_000)]),
                social=rng.choice(SOCIAL),
                environmental=rng.choice(ENV),
                holders=[rng.choice(holders)],
                innovative=rng.random() < 0.05,
            )
            out.write(("," if i else "") + json.dumps(record, ensure_ascii=False))
        out.write("]}}")


companies = [CompanyFactory() for _ in range(200)]
for company in companies[:100]:
    RegistrationFactory(company=company)
holders = [c.siret for c in companies] + [f"{i:014d}" for i in range(1, 2000)]
path = Path(tempfile.mkdtemp()) / "decp-bench.json"
write_file(path, args.records, holders)
size_mb = path.stat().st_size / 1e6

start = time.perf_counter()
run = decp_import(path=path)
first = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
assert Contract.objects.count() == args.records, run.rejected
start = time.perf_counter()
again = decp_import(path=path)
second = time.perf_counter() - start
assert again.unchanged == args.records

client = Client()
client.force_login(UserFactory(role=Role.OFFICIAL))
client.get("/spaser/?year=2023")  # warm-up: imports (pygal), templates, fonts


def timed(label, call):
    times = []
    cache.clear()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        call()
    cold = (time.perf_counter() - start) * 1000
    count = len(queries.captured_queries)
    for _ in range(args.runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"| {label} | {cold:.0f} ms | {statistics.median(times):.0f} / {p95:.0f} ms | {count} |")


print(f"Machine: {machine()}; database: {connection.vendor}")
print("| step | time | peak RSS |\n|---|---|---|")
label = f"import of {args.records:,} v2 records ({size_mb:.0f} MB JSON)"
print(f"| {label} | {first:.1f} s | {peak_mb:.0f} MB |")
print(f"| re-import, all unchanged | {second:.1f} s | — |")
print("\n| page | first (cold cache) | then median / p95 | SQL queries (cold) |\n|---|---|---|---|")
timed("dashboard /spaser/?year=2024", lambda: client.get("/spaser/?year=2024"))
timed(
    "dashboard, Est Ensemble only",
    lambda: client.get("/spaser/?year=2024&buyer=est-ensemble"),
)
timed(
    "spaser_indicators --year 2024 --format json",
    lambda: call_command("spaser_indicators", "--year", "2024", stdout=io.StringIO()),
)
connection.creation.destroy_test_db(db_name, verbosity=0)
