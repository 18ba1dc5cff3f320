"""The staff planning grid: page weight, server time, and the latency of each edit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ellipse_bench \
        .venv/bin/python benchmarks/planning_grid.py [--runs 15] [--buyers 200 --slots 12]

Two throw-away databases' worth of data in one test database, one after the other:
1. the demo (``seed_demo``: 30 buyers × 9 slots, its schedule computed and published);
2. a regional-size edition: N buyers × S slots, every slot filled (4 × N companies, 3
   meetings each), meetings written directly (the solver is benchmarked apart).
For each: the grid's first page (bytes, median / worst server time over --runs GETs through
Django's test client, SQL queries), its last page, a buyer filter, a meeting's detail
fragment, the waiting list fragment, and the htmx edits (move to a free slot, refused move,
swap, lock, cancel), each timed in the request (median of --runs). Prints a Markdown table.
Nothing is asserted: the tests assert the query counts.
"""

import argparse
import datetime as dt
import random
import statistics
import time

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=15)
parser.add_argument("--buyers", type=int, default=200)
parser.add_argument("--slots", type=int, default=12)
args = parser.parse_args()

connection, db_name = setup()

from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from buyers.models import BuyerOrganisation, BuyerParticipation  # noqa: E402
from companies.enums import RegistrationStatus  # noqa: E402
from companies.models import Company, Registration  # noqa: E402
from ellipse.demo import seed_demo  # noqa: E402
from ellipse.editions.enums import EditionStatus  # noqa: E402
from ellipse.editions.models import Edition  # noqa: E402
from meetings.enums import MeetingStatus  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

HX = {"HX-Request": "true"}
ROWS: list[tuple] = []


def timed(label: str, call, runs: int) -> None:
    times, size, queries = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            times.append(time.perf_counter() - start)
        assert response.status_code in (200, 302), (label, response.status_code)
        size, queries = len(response.content), len(captured)
    ROWS.append((label, size, statistics.median(times) * 1000, max(times) * 1000, queries))


def measure(scenario: str, edition: Edition, client: Client) -> None:
    year = edition.year
    page = reverse("meetings:planning", args=[year])
    action = reverse("meetings:planning_action", args=[year])
    participations = list(
        BuyerParticipation.objects.filter(edition=edition).order_by("organisation__name")
    )
    last_page = (len(participations) - 1) // 25 + 1
    timed(f"{scenario}: grid, first page", lambda: client.get(page), args.runs)
    timed(
        f"{scenario}: grid, page {last_page}",
        lambda: client.get(page, {"page": last_page}),
        args.runs,
    )
    name = participations[-1].organisation.name
    timed(
        f"{scenario}: grid filtered on one buyer", lambda: client.get(page, {"q": name}), args.runs
    )
    # a buyer with a free slot and two meetings
    for participation in participations:
        taken = dict(
            Meeting.objects.filter(edition=edition, buyer_id=participation.organisation_id)
            .exclude(status=MeetingStatus.CANCELLED)
            .values_list("slot", "pk")
        )
        free = sorted(set(range(edition.slot_count)) - set(taken))
        if len(taken) >= 2 and free:
            break
    else:
        participation = participations[0]
        taken = dict(
            Meeting.objects.filter(
                edition=edition, buyer_id=participation.organisation_id
            ).values_list("slot", "pk")
        )
        Meeting.objects.filter(pk=taken.pop(max(taken))).delete()
        free = sorted(set(range(edition.slot_count)) - set(taken))
    (slot_a, first), (slot_b, second) = sorted(taken.items())[:2]
    detail = reverse("meetings:planning_meeting", args=[year, first])
    timed(
        f"{scenario}: meeting details (fragment)", lambda: client.get(detail, headers=HX), args.runs
    )
    waiting = reverse("meetings:planning_waiting", args=[year])
    timed(f"{scenario}: waiting list (fragment)", lambda: client.get(waiting, headers=HX), 3)

    spots = [free[0], slot_a]
    state = {"i": 0}

    def move():
        state["i"] += 1
        target = spots[state["i"] % 2]
        return client.post(action, {"action": "move", "meeting": first, "slot": target}, headers=HX)

    timed(f"{scenario}: move (htmx)", move, args.runs)
    current = Meeting.objects.get(pk=first).slot
    timed(
        f"{scenario}: refused move (htmx)",
        lambda: (
            client.post(action, {"action": "move", "meeting": first, "slot": slot_b}, headers=HX)
            if current != slot_b
            else client.post(
                action, {"action": "move", "meeting": first, "slot": slot_a}, headers=HX
            )
        ),
        args.runs,
    )
    timed(
        f"{scenario}: swap (htmx)",
        lambda: client.post(
            action, {"action": "swap", "meeting": first, "other": second}, headers=HX
        ),
        args.runs,
    )
    lock = {"i": 0}

    def toggle_lock():
        lock["i"] += 1
        verb = "lock" if lock["i"] % 2 else "unlock"
        return client.post(action, {"action": verb, "meeting": first}, headers=HX)

    timed(f"{scenario}: lock / unlock (htmx)", toggle_lock, args.runs)
    timed(
        f"{scenario}: cancel (htmx)",
        lambda: client.post(action, {"action": "cancel", "meeting": second}, headers=HX),
        1,
    )


def seed_scale(buyers: int, slots: int) -> Edition:
    rng = random.Random(14)
    edition = Edition.objects.create(
        year=2040,
        title="Convention régionale 2040",
        date=dt.date(2040, 4, 10),
        venue="Paris",
        registration_deadline=dt.datetime(2040, 3, 1, tzinfo=dt.UTC),
        status=EditionStatus.REGISTRATION_CLOSED,
        slot_count=slots,
        max_meetings_per_buyer=slots,
        max_meetings_per_company=3,
    )
    organisations = BuyerOrganisation.objects.bulk_create(
        BuyerOrganisation(name=f"Acheteur régional {i:04d}", kind="commune", siret=f"9{i:013d}")
        for i in range(buyers)
    )
    BuyerParticipation.objects.bulk_create(
        BuyerParticipation(edition=edition, organisation=o, max_meetings=slots)
        for o in organisations
    )
    n_companies = buyers * slots // 3
    companies = Company.objects.bulk_create(
        Company(siret=f"8{i:013d}", legal_name=f"Entreprise régionale {i:05d}")
        for i in range(n_companies)
    )
    Registration.objects.bulk_create(
        Registration(edition=edition, company=c, status=RegistrationStatus.RETAINED)
        for c in companies
    )
    meetings = []
    # company k meets buyers (k, k + B/3, k + 2B/3) mod B at distinct slots
    for b, organisation in enumerate(organisations):
        for s in range(slots):
            company = companies[(b * slots + s) % n_companies]
            meetings.append(
                Meeting(
                    edition=edition,
                    buyer=organisation,
                    company=company,
                    slot=s,
                    score=round(rng.uniform(0.3, 2.5), 3),
                    reasons=[{"kind": "cpv", "text": "Activité proche du marché prévu."}],
                    status=MeetingStatus.PUBLISHED,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    return edition


def main() -> None:
    started = time.perf_counter()
    seed_demo()
    print(f"demo seeded in {time.perf_counter() - started:.1f} s")
    staff = UserFactory(role="staff")
    client = Client()
    client.force_login(staff)
    demo = Edition.objects.current()
    print(
        f"demo: {BuyerParticipation.objects.filter(edition=demo).count()} buyers × "
        f"{demo.slot_count} slots, {Meeting.objects.filter(edition=demo).count()} meetings"
    )
    measure("demo", demo, client)
    scale = seed_scale(args.buyers, args.slots)
    print(
        f"scale: {args.buyers} buyers × {args.slots} slots, "
        f"{Meeting.objects.filter(edition=scale).count()} meetings"
    )
    measure(f"{args.buyers}×{args.slots}", scale, client)
    print()
    print(f"Machine: {machine()}. Database: {connection.vendor}. Date: {dt.date.today()}.")
    print()
    print("| request | response (KB) | median (ms) | worst (ms) | SQL queries |")
    print("|---|---|---|---|---|")
    for label, size, median, worst, queries in ROWS:
        print(f"| {label} | {size / 1024:.1f} | {median:.0f} | {worst:.0f} | {queries} |")


try:
    main()
finally:
    connection.creation.destroy_test_db(db_name, verbosity=0)
