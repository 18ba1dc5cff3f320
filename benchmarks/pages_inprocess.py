"""The pages of ``pages_load.py`` measured in this process, without load: the median and p90 of N
warm requests through Django's test client, the queries of one warm request, the body's size.

    .venv/bin/python benchmarks/pages_inprocess.py [--requests 30] [--only catalogue,home]
        [--queries]

Reads the database kept by ``benchmarks/pages_load.py --keep`` (``BENCH_DB``, default
``ellipse_bench_pages``) with the same settings and Redis cache. What a page costs in Python and
in queries, before the web server's and the load driver's share: the quick loop when working on
one page; the load run stays the measure of the goal. ``--queries`` prints each warm query.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

parser = argparse.ArgumentParser()
parser.add_argument("--requests", type=int, default=30)
parser.add_argument("--only", default="", help="comma-separated page names")
parser.add_argument("--queries", action="store_true", help="print each warm query")
parser.add_argument(
    "--profile", type=int, default=0, metavar="N", help="cProfile N more requests of each page"
)
args = parser.parse_args()

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
os.environ.update(
    {
        "DATABASE_URL": f"{PG}/{os.environ.get('BENCH_DB', 'ellipse_bench_pages')}",
        "DJANGO_SETTINGS_MODULE": "settings_bench",
        "SECRET_KEY": "bench-pages-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "MEDIA_ROOT": "/tmp/ellipse-bench-pages-media",
        "REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14"),
    }
)


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    argv, sys.argv = sys.argv, sys.argv[:1]  # pages_load reads its own arguments on import
    from pages_load import pages, session_cookies

    sys.argv = argv

    cookies = session_cookies()
    todo = pages()
    if args.only:
        wanted = args.only.split(",")
        todo = [todo[0], *(p for p in todo[1:] if any(w in p[0] for w in wanted))]
    print(f"{'page':32} {'median ms':>9} {'p90 ms':>7} {'ratio':>6} {'queries':>7} {'KiB':>6}")
    floor = None
    for name, path, role in todo:
        client = Client(HTTP_HOST="127.0.0.1")
        if role:
            for cookie, value in cookies[role].items():
                client.cookies[cookie] = value
        client.get(path)
        client.get(path)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        floor = floor or median
        print(
            f"{name[:32]:32} {median:9.1f} {p90:7.1f} {median / floor:6.1f} "
            f"{len(queries):7d} {len(response.content) / 1024:6.0f}"
            + ("" if response.status_code == 200 else f"  status {response.status_code}")
        )
        if args.queries:
            for query in queries.captured_queries:
                print(f"    {query['time']}  {query['sql'][:150]}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.profile):
                client.get(path)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(90)
            print(out.getvalue().split("\n", 4)[-1].rstrip())


if __name__ == "__main__":
    main()
