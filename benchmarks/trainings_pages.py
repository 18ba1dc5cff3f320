"""Time the public catalogue with 500 sessions and the staff attendance page of a 100-seat
session (and the sign-in sheet PDF of that session).

    .venv/bin/python benchmarks/trainings_pages.py [--sessions 500] [--seats 100] [--runs 15]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_bench_trainings \
        .venv/bin/python benchmarks/trainings_pages.py

A throw-away test database (SQLite by default, PostgreSQL given DATABASE_URL) gets 6 topics,
N sessions over two years (half past, half to come), each with a few registrations, and one
session with every seat taken plus a waiting list. Measured: median and worst of --runs GETs
and the number of SQL queries of each page.
"""

import argparse
import datetime as dt
import random
import statistics
import time

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--sessions", type=int, default=500)
parser.add_argument("--seats", type=int, default=100)
parser.add_argument("--runs", type=int, default=15)
args = parser.parse_args()

connection, db_name = setup()

from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from buyers.demo import make_siret  # noqa: E402
from companies.models import Company, Topic  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from trainings.models import Participant, Session  # noqa: E402


def seed(n_sessions: int, seats: int) -> Session:
    rng = random.Random(500)
    topics = list(Topic.objects.all()[:6])
    now = timezone.now()
    sessions = Session.objects.bulk_create(
        [
            Session(
                topic=topics[i % len(topics)],
                title=f"Session {i:04d}",
                audience=rng.choice(["companies", "agents", "both"]),
                starts_at=now + dt.timedelta(days=i - n_sessions // 2, hours=2),
                ends_at=now + dt.timedelta(days=i - n_sessions // 2, hours=5),
                place="Hôtel de territoire, Romainville",
                capacity=rng.choice([12, 15, 20]),
            )
            for i in range(n_sessions)
        ]
    )
    companies = Company.objects.bulk_create(
        [
            Company(
                siret=make_siret(random.Random(f"bench-train-{i}")),
                legal_name=f"Entreprise {i:04d}",
                size_class="micro",
                commune="Montreuil",
                contact_name="Contact",
                contact_email=f"c{i}@x.fr",
            )
            for i in range(seats + 50)
        ]
    )
    rows = []
    for s in sessions:
        for k in range(rng.randint(0, 8)):
            rows.append(
                Participant(
                    session=s,
                    kind="company",
                    company=companies[k],
                    name=f"P {k}",
                    email=f"p{k}-{s.pk}@x.fr",
                    status="confirmed",
                    seat_number=k + 1,
                )
            )
    big = Session.objects.create(
        topic=topics[0],
        title="Grande session",
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=3),
        place="Salle des fêtes",
        capacity=seats,
    )
    for k in range(seats + 20):
        seated = k < seats
        rows.append(
            Participant(
                session=big,
                kind="company",
                company=companies[k],
                name=f"Participant {k:03d}",
                email=f"big{k}@x.fr",
                status="confirmed" if seated else "waiting",
                seat_number=k + 1 if seated else None,
                waiting_since=None if seated else now,
            )
        )
    Participant.objects.bulk_create(rows)
    return big


def timed_get(client, url, runs):
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), max(times), queries


def main():
    big = seed(args.sessions, args.seats)
    anonymous = Client()
    staff = Client()
    staff.force_login(UserFactory(role="staff"))
    topic = Topic.objects.first()
    pages = [
        ("catalogue, page 1", anonymous, reverse("trainings:index")),
        ("catalogue, page 10", anonymous, reverse("trainings:index") + "?page=10"),
        (
            "catalogue, topic + audience",
            anonymous,
            reverse("trainings:index") + f"?theme={topic.pk}&public=companies",
        ),
        ("session detail", anonymous, reverse("trainings:detail", args=[big.pk])),
        (
            f"attendance page ({args.seats} seats)",
            staff,
            reverse("trainings:attendance", args=[big.pk]),
        ),
        (
            f"sign-in sheet PDF ({args.seats} seats)",
            staff,
            reverse("trainings:sign_in_sheet", args=[big.pk]),
        ),
        ("figures", staff, reverse("trainings:figures")),
    ]
    print(f"Machine: {machine()}; database: {connection.vendor}")
    print(f"Seed: {args.sessions} sessions, one of {args.seats} seats + 20 waiting")
    print("| page | median (ms) | worst (ms) | SQL queries |")
    print("|---|---|---|---|")
    for label, client, url in pages:
        runs = args.runs if "PDF" not in label else max(3, args.runs // 5)
        median, worst, queries = timed_get(client, url, runs)
        print(f"| {label} | {median * 1000:.0f} | {worst * 1000:.0f} | {queries} |")
    connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
