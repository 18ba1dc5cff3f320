"""Scheduling in the application: relevance, schedule + save, staff page, manual edits.

A throw-away test database is seeded with the demo (30 buyers, ~300 planned contracts, 142
retained companies) and, with ``--scale N``, N times as many retained companies (copies of
the demo's, same CPV codes and keywords). Prints a Markdown table.

Usage: ``.venv/bin/python benchmarks/schedule_app.py [--scale 1,3] [--time-limit 20]``
(SQLite by default; ``DATABASE_URL=postgres://…`` for PostgreSQL with the French full-text
search).
"""

import argparse
import time

from _django import machine, setup

connection, db_name = setup()

from django.db import connection as conn  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from companies.enums import RegistrationStatus  # noqa: E402
from companies.models import Company, Registration  # noqa: E402
from ellipse.accounts.models import User  # noqa: E402
from ellipse.demo import seed_demo  # noqa: E402
from ellipse.editions.models import Edition  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from meetings.relevance import edition_relevance_compute as edition_relevance  # noqa: E402
from meetings.services import edition_schedule, meeting_move  # noqa: E402


def _grow(edition, factor: int) -> None:
    base = list(
        Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
        .select_related("company")
        .prefetch_related("company__cpv_codes")
    )
    for copy in range(1, factor):
        for reg in base:
            c = reg.company
            codes = list(c.cpv_codes.all())
            c.pk = None
            c.siret = f"9{copy:02d}{reg.company_id:011d}"[:14]
            c.save()
            c.cpv_codes.set(codes)
            Registration.objects.create(
                edition=edition, company=c, status=RegistrationStatus.RETAINED
            )


def _timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="1,3")
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()
    seed_demo()
    edition = Edition.objects.order_by("-year").first()
    staff = User.objects.get(email="equipe@ellipse.demo")
    print(f"Machine: {machine()} — database: {conn.vendor}\n")
    print(
        "| retained companies | pairs | relevance (s) | schedule + save (s) | meetings "
        "| covered | objective / bound | page (s) | page queries | move (ms) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    done = 1
    for factor in (int(x) for x in args.scale.split(",")):
        _grow(edition, factor - done + 1) if factor > done else None
        done = max(done, factor)
        Meeting.objects.filter(edition=edition).delete()
        rel, t_rel = _timed(lambda: edition_relevance(edition=edition))
        report, t_sched = _timed(
            lambda: edition_schedule(edition=edition, time_limit=args.time_limit)
        )
        client = Client()
        client.force_login(staff)
        with CaptureQueriesContext(conn) as queries:
            response, t_page = _timed(
                lambda c=client: c.get(f"/rendez-vous/planning/{edition.year}/")
            )
        assert response.status_code == 200
        t_move = float("nan")
        for meeting in Meeting.objects.filter(edition=edition).order_by("pk"):
            busy = set(
                Meeting.objects.filter(edition=edition, buyer=meeting.buyer).values_list(
                    "slot", flat=True
                )
            ) | set(
                Meeting.objects.filter(edition=edition, company=meeting.company).values_list(
                    "slot", flat=True
                )
            )
            free = next((s for s in range(edition.slot_count) if s not in busy), None)
            if free is not None:
                _m, t_move = _timed(lambda m=meeting, f=free: meeting_move(meeting_id=m.pk, slot=f))
                break
        retained = Registration.objects.filter(
            edition=edition, status=RegistrationStatus.RETAINED
        ).count()
        print(
            f"| {retained} | {len(rel.pairs)} | {t_rel:.2f} | {t_sched:.2f} | {report.meetings} "
            f"| {report.companies_covered} | {report.objective:.1f} / {report.upper_bound:.1f} "
            f"({report.status}) | {t_page:.2f} | {len(queries)} | {1000 * t_move:.0f} |"
        )
    assert Company.objects.exists()
    connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
