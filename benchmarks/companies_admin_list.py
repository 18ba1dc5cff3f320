"""Time the staff's admin list of registrations with 5,000 companies, and the selection pages.

    .venv/bin/python benchmarks/companies_admin_list.py [--companies 5000] [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_selection \
        .venv/bin/python benchmarks/companies_admin_list.py

A throw-away test database (SQLite by default, PostgreSQL given DATABASE_URL) gets the demo CPV
extract, 40 buyers with 300 published planned contracts, N companies (2 CPV codes each) each
registered to the edition with a mix of statuses, ~1.5 wishes and ~1.6 calls per registration.
Measured: the cached scores' refresh for the whole edition, then each admin page (median and
worst of --runs GETs, and its number of SQL queries).
"""

import argparse
import random
import statistics
import time
from datetime import timedelta

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--companies", type=int, default=5000)
parser.add_argument("--runs", type=int, default=15)
args = parser.parse_args()

connection, db_name = setup()

from django.db import reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from buyers.demo import ACTIVITIES, make_siret, seed_cpv  # noqa: E402
from buyers.models import BuyerOrganisation, CpvCode, PlannedContract  # noqa: E402
from companies.enums import CallOutcome, RegistrationStatus  # noqa: E402
from companies.models import CallLog, Company, Registration, Wish  # noqa: E402
from companies.services.qualification import registrations_last_call_refresh  # noqa: E402
from companies.services.selection import edition_refresh_matches  # noqa: E402
from tests.factories import EditionFactory, UserFactory  # noqa: E402


def seed(n: int):
    rng = random.Random(5000)
    seed_cpv()
    codes = [a[2] for a in ACTIVITIES]
    all_codes = list(CpvCode.objects.values_list("code", flat=True))
    edition = EditionFactory(year=2031)
    buyers = BuyerOrganisation.objects.bulk_create(
        [
            BuyerOrganisation(
                name=f"Acheteur {i}",
                kind="commune",
                siret=make_siret(random.Random(f"bench-buyer-{i}")),
            )
            for i in range(40)
        ]
    )
    contracts = PlannedContract.objects.bulk_create(
        [
            PlannedContract(
                organisation=buyers[i % 40],
                year=edition.year,
                reference=f"B-{i:04d}",
                title=ACTIVITIES[i % len(ACTIVITIES)][1],
                description=ACTIVITIES[i % len(ACTIVITIES)][5],
                cpv_main_id=codes[i % len(codes)],
                status="published",
                visibility="published",
            )
            for i in range(300)
        ]
    )
    companies = Company.objects.bulk_create(
        [
            Company(
                siret=make_siret(random.Random(f"bench-{i}")),
                legal_name=f"Entreprise {i:05d}",
                size_class=rng.choice(["micro", "pme", "artisan"]),
                ess_status=rng.choice(["none", "none", "siae", "scop"]),
                commune=rng.choice(["Montreuil", "Pantin", "Paris", "Bobigny"]),
                is_local=rng.random() < 0.7,
                contact_name="Camille Durand",
                contact_email=f"c{i}@bench.fr",
                contact_phone=f"+3361{rng.randint(1000000, 9999999)}",
                keywords=ACTIVITIES[i % len(ACTIVITIES)][5],
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
    statuses = [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.TO_CALL,
        RegistrationStatus.QUALIFIED,
        RegistrationStatus.RETAINED,
        RegistrationStatus.RETAINED,
        RegistrationStatus.WAITING_LIST,
    ]
    registrations = Registration.objects.bulk_create(
        [Registration(edition=edition, company=c, status=rng.choice(statuses)) for c in companies],
        batch_size=1000,
    )
    wishes, calls = [], []
    now = timezone.now()
    for r in registrations:
        for contract in rng.sample(contracts, rng.randint(0, 3)):
            wishes.append(
                Wish(
                    registration=r,
                    organisation_id=contract.organisation_id,
                    planned_contract=contract,
                )
            )
        for k in range(rng.randint(0, 3)):
            outcome = rng.choice(list(CallOutcome.values))
            calls.append(
                CallLog(
                    registration=r,
                    called_at=now - timedelta(days=10 - k),
                    outcome=outcome,
                    callback_at=now + timedelta(hours=rng.randint(-48, 48))
                    if outcome == CallOutcome.CALL_BACK
                    else None,
                )
            )
    Wish.objects.bulk_create(wishes, batch_size=2000, ignore_conflicts=True)
    CallLog.objects.bulk_create(calls, batch_size=2000)
    registrations_last_call_refresh(registration_ids=[r.pk for r in registrations])
    return edition, len(wishes), len(calls)


def timed_get(client, url, runs):
    times, queries = [], 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), max(times), queries


def main():
    start = time.perf_counter()
    edition, n_wishes, n_calls = seed(args.companies)
    seed_time = time.perf_counter() - start
    start = time.perf_counter()
    refreshed = edition_refresh_matches(edition=edition)
    refresh_time = time.perf_counter() - start
    client = Client()
    client.force_login(UserFactory(role="staff"))
    changelist = reverse("admin:companies_registration_changelist")
    pages = [
        ("list, default order", changelist),
        ("list, sorted by best score", changelist + "?o=7.-"),
        ("list, CPV division 45 + has wishes", changelist + "?cpv_division=45&has_wishes=yes"),
        ("list, last call = call back", changelist + "?last_call=call_back"),
        ("list, search 'Entreprise 0042'", changelist + "?q=Entreprise+0042"),
        ("list, page 50", changelist + "?p=50"),
        ("call queue", reverse("admin:companies_callqueueentry_changelist")),
        ("buyers without a company", reverse("admin:companies_registration_buyers_gap")),
    ]
    print(f"Machine: {machine()}; database: {connection.vendor}")
    print(
        f"Seed: {args.companies} companies/registrations, {n_wishes} wishes, {n_calls} calls "
        f"in {seed_time:.1f} s; refresh of {refreshed} cached scores: {refresh_time:.2f} s"
    )
    print("| page | median (ms) | worst (ms) | SQL queries |")
    print("|---|---|---|---|")
    for label, url in pages:
        runs = args.runs if "buyers" not in label else max(3, args.runs // 5)
        median, worst, queries = timed_get(client, url, runs)
        print(f"| {label} | {median * 1000:.0f} | {worst * 1000:.0f} | {queries} |")
    connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
