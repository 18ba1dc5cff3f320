"""Time the buyers' directory search over 10,000 companies (aim: p95 under 300 ms on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_bench \
        .venv/bin/python benchmarks/sourcing_directory.py [--companies 10000] [--runs 40]

A throw-away test database gets the demo CPV extract and N companies (two CPV codes each, a
description and keywords from the demo activities, 80 % consenting, a mix of communes, ESS
statuses and sizes, half retained at an edition). Measured: full GETs of /annuaire/ as a signed-in
buyer (page rendered, reasons included) for typical searches — p50, p95 and worst of --runs, and
the SQL queries per page — then a forecast line's sourcing page (matching over every local
company).
"""

import argparse
import random
import re
import statistics
import time

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--companies", type=int, default=10000)
parser.add_argument("--runs", type=int, default=40)
args = parser.parse_args()

connection, db_name = setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from buyers.demo import ACTIVITIES, make_siret, seed_cpv  # noqa: E402
from buyers.models import CpvCode, PlannedContract  # noqa: E402
from companies.models import Company, Registration  # noqa: E402
from tests.factories import EditionFactory  # noqa: E402
from tests.factories.buyers import BuyerMembershipFactory  # noqa: E402


def seed(n: int):
    rng = random.Random(10000)
    seed_cpv()
    codes = [a[2] for a in ACTIVITIES]
    all_codes = list(CpvCode.objects.values_list("code", flat=True))
    edition = EditionFactory(year=2031)
    companies = Company.objects.bulk_create(
        [
            Company(
                siret=make_siret(random.Random(f"bench-dir-{i}")),
                legal_name=f"Entreprise {i:05d}",
                size_class=rng.choice(["micro", "pme", "artisan", "eti"]),
                ess_status=rng.choice(["none", "none", "siae", "scop", "ea", "association"]),
                commune=rng.choice(["Montreuil", "Pantin", "Paris", "Bobigny", "Bondy", "Lyon"]),
                is_local=rng.random() < 0.7,
                description=f"{ACTIVITIES[i % len(ACTIVITIES)][1]}. {ACTIVITIES[i % 7][1]}.",
                keywords=ACTIVITIES[i % len(ACTIVITIES)][5],
                naf_code=rng.choice(["43.31Z", "81.30Z", "56.10A", "62.01Z"]),
                contact_name="Camille Durand",
                contact_email=f"c{i}@bench.fr",
                directory_consent=rng.random() < 0.8,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    through = Company.cpv_codes.through
    through.objects.bulk_create(
        [
            through(company_id=c.pk, cpvcode_id=code)
            for c in companies
            for code in {rng.choice(codes), rng.choice(all_codes)}
        ],
        batch_size=2000,
    )
    Registration.objects.bulk_create(
        [
            Registration(edition=edition, company=c, status="retained")
            for c in companies
            if rng.random() < 0.5
        ],
        batch_size=1000,
    )
    membership = BuyerMembershipFactory()
    contract = PlannedContract.objects.create(
        organisation=membership.organisation,
        year=2031,
        reference="BENCH-1",
        title=ACTIVITIES[0][1],
        cpv_main_id=codes[0],
        estimated_amount=120000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    return membership.user, contract


def timed_get(client, url, params, runs, *, cold=False):
    """Median, p95, worst and queries of ``runs`` GETs; ``cold``: the cache emptied before each
    (the directory's results and form are cached fragments: a warm GET runs no search)."""
    times, queries = [], 0
    for _ in range(runs):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, times[-1], queries, response


def main():
    start = time.perf_counter()
    user, contract = seed(args.companies)
    seed_time = time.perf_counter() - start
    client = Client()
    client.force_login(user)
    url = reverse("sourcing:directory")
    searches = [
        ("no filter (page 1)", {}),
        ("words 'espaces verts'", {"activite": "espaces verts"}),
        ("words with accents 'elagage' (Élagage)", {"activite": "elagage"}),
        ("CPV 45 (division and children)", {"activite": "45"}),
        ("CPV 45210000 (children and parents)", {"activite": "45210000"}),
        ("NAF 43.31Z + territory", {"activite": "43.31Z", "commune": "territoire"}),
        (
            "words + SIAE + took part",
            {"activite": "nettoyage", "structure": "siae", "participation": "on"},
        ),
        ("words + size + page 5", {"activite": "travaux", "taille": "micro", "page": "5"}),
    ]
    print(f"Machine: {machine()}; database: {connection.vendor}")
    print(f"Seed: {args.companies} companies in {seed_time:.1f} s; {args.runs} GETs per search")
    print(
        "| search | results | cold p50 (ms) | cold p95 (ms) | cold worst (ms) | cold queries "
        "| warm p50 (ms) | warm p95 (ms) | warm queries |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, params in searches:
        p50, p95, worst, queries, response = timed_get(client, url, params, args.runs, cold=True)
        status = re.search(r'id="resultats">(.*?)</p>', response.content.decode()).group(1)
        count = int(re.sub(r"\D", "", status))
        w50, w95, _worst, w_queries, _response = timed_get(client, url, params, args.runs)
        print(
            f"| {label} | {count} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {worst * 1000:.0f} "
            f"| {queries} | {w50 * 1000:.0f} | {w95 * 1000:.0f} | {w_queries} |"
        )
    line = reverse("sourcing:contract", args=[contract.pk])
    p50, p95, worst, queries, response = timed_get(
        client, line, {}, max(5, args.runs // 4), cold=True
    )
    print(
        f"| forecast line's sourcing page ({response.context['sourcing'].facts.matching} "
        f"matching) | — | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {worst * 1000:.0f} | {queries} "
        "| — | — | — |"
    )
    connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
