"""Match scores and relevance at a region's size (issue 14): time and memory against the goals.

Seeds a throw-away database (``_regional.seed_regional``: 10,000 planned contracts, 5,000
retained companies, 200 buyers by default), then runs, each twice (time, then Python peak
memory with tracemalloc): ``edition_refresh_matches`` (the ``refresh_matches`` command),
``edition_relevance_store`` (what the task runs: compute + store every pair), the stored read
of the planning page (``selectors.edition_relevance``), and the scheduling run end to end
(relevance + solver + saving meetings). Prints a Markdown table with the ratio to each goal.

Usage: ``DATABASE_URL=postgres://… .venv/bin/python benchmarks/matching_scale.py
[--contracts 10000] [--registrations 5000] [--buyers 200] [--no-schedule] [--only-refresh]
[--profile]``
"""

import argparse
import time
import tracemalloc

from _django import machine, setup

connection, db_name = setup()

from _regional import seed_regional  # noqa: E402

from companies.services.selection import edition_refresh_matches  # noqa: E402
from meetings.selectors import edition_relevance  # noqa: E402
from meetings.services import edition_relevance_store, edition_schedule  # noqa: E402

GOAL_SECONDS = {"refresh": 10, "relevance": 10, "read": 1, "schedule": 30}
GOAL_MB = 500


def _measure(fn):
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=5_000)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--no-schedule", action="store_true")
    parser.add_argument("--only-refresh", action="store_true", help="match scores only")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each step instead (top functions)"
    )
    args = parser.parse_args()
    try:
        run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(db_name, verbosity=0)


def _profile(label, fn) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(fn)
    print(f"\n### {label}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def run(args) -> None:
    started = time.perf_counter()
    edition = seed_regional(
        contracts=args.contracts, registrations=args.registrations, buyers=args.buyers
    )
    print(f"Machine: {machine()} — database: {connection.vendor}")
    print(
        f"Seeded {args.contracts} contracts, {args.registrations} retained companies, "
        f"{args.buyers} buyers in {time.perf_counter() - started:.1f} s\n"
    )
    print("| step | result | time (s) | goal (s) | ratio | Python peak (MB) | goal (MB) |")
    print("|---|---|---|---|---|---|---|")

    def row(name, label, result, seconds, peak):
        goal = GOAL_SECONDS[name]
        print(
            f"| {label} | {result} | {seconds:.2f} | {goal} | {seconds / goal:.2f} "
            f"| {peak:.0f} | {GOAL_MB} |"
        )

    if args.profile:
        _profile("refresh_matches", lambda: edition_refresh_matches(edition=edition))
        _profile("relevance store", lambda: edition_relevance_store(edition=edition))
        return
    count, s, mb = _measure(lambda: edition_refresh_matches(edition=edition))
    row("refresh", "refresh_matches (match scores)", f"{count} registrations", s, mb)
    if args.only_refresh:
        return
    rel, s, mb = _measure(lambda: edition_relevance_store(edition=edition))
    row("relevance", "relevance computed + stored (task)", f"{len(rel.pairs)} pairs", s, mb)
    stored, s, mb = _measure(lambda: edition_relevance(edition=edition, request=False))
    row("read", "stored relevance read (grid)", f"{len(stored.pairs)} pairs", s, mb)
    if not args.no_schedule:
        started = time.perf_counter()
        report = edition_schedule(edition=edition, time_limit=args.time_limit)
        s = time.perf_counter() - started
        result = f"{report.meetings} meetings, {report.status}"
        print(
            f"| schedule end to end (relevance + solver + save) | {result} | {s:.2f} "
            f"| {GOAL_SECONDS['schedule']} | {s / GOAL_SECONDS['schedule']:.2f} | – | – |"
        )


if __name__ == "__main__":
    main()
