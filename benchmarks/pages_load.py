"""Page load at a region's size (issue 14): every page of every role under gunicorn and ``wrk``,
against a trivial view through the same middleware.

    make bench-pages
    .venv/bin/python benchmarks/pages_load.py [--contracts 10000 --registrations 5000
        --buyers 200] [--duration 10] [--connections 8] [--only catalogue,home] [--profile]
        [--keep]

Creates the PostgreSQL database ``ellipse_bench_pages`` (or ``BENCH_DB``) on ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``; dropped first, and at the end unless ``--keep``),
migrates it, runs ``seed_demo`` (the demo users) and adds in bulk N planned contracts of B new
buyers and M retained companies to the demo edition (``benchmarks/_regional.py``), plus a full
planning grid for the new buyers. Starts gunicorn (2 workers, production settings served over
HTTP: ``benchmarks/settings_bench.py``, with ``/bench/trivial/`` which reads the session and its
user), warms each page once (its status is printed), then drives it with ``wrk`` (C
connections, D seconds, one page after the other) with a session cookie of the page's demo
user. Prints p50 / p95 per page, the ratio of each p95 to the trivial view's, requests/s and
non-2xx answers, then the RSS of the two web workers. ``--profile`` adds a cProfile of one
request per page (in this process, through Django's test client): the top functions by
cumulative time. Stops gunicorn whatever happens. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

parser = argparse.ArgumentParser()
parser.add_argument("--contracts", type=int, default=10_000)
parser.add_argument("--registrations", type=int, default=5_000)
parser.add_argument("--buyers", type=int, default=200)
parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
parser.add_argument("--connections", type=int, default=8)
parser.add_argument("--workers", type=int, default=2)
parser.add_argument("--only", default="", help="comma-separated page names")
parser.add_argument("--profile", action="store_true", help="cProfile one request per page")
parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
parser.add_argument("--reuse", action="store_true", help="reuse a kept database (no seeding)")
args = parser.parse_args()

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "ellipse_bench_pages")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
ENV = {
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "DJANGO_SETTINGS_MODULE": "settings_bench",
    "SECRET_KEY": "bench-pages-not-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "MEDIA_ROOT": "/tmp/ellipse-bench-pages-media",
    "PYTHONPATH": f"{ROOT / 'benchmarks'}:{ROOT}",
    # Production shares its cache (stamps, fragments, sessions' rate limits) through Redis.
    "REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14"),
}
os.environ.update(ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "settings_bench"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.duration,
    summary.errors.status, summary.errors.timeout))
end
"""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def psql_db(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/{DB_NAME}", "-qc", sql], check=True, capture_output=True)


def create_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")


def seed() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from _regional import seed_regional

    from ellipse.demo import demo_edition, seed_demo

    started = time.perf_counter()
    seed_demo()
    edition = demo_edition()
    seed_regional(
        contracts=args.contracts,
        registrations=args.registrations,
        buyers=args.buyers,
        edition=edition,
    )
    grid_fill(edition)
    connection.close()
    psql_db("VACUUM ANALYZE")  # as autovacuum would soon after a bulk load: real plans
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def grid_fill(edition) -> None:
    """Every slot of every regional buyer holds a meeting (companies meet 3 buyers each)."""
    from buyers.models import BuyerOrganisation
    from companies.models import Company
    from meetings.enums import MeetingStatus
    from meetings.models import Meeting

    buyers = list(BuyerOrganisation.objects.filter(name__startswith="Acheteur régional"))
    companies = list(Company.objects.filter(siret__startswith="9").order_by("pk"))
    slots = edition.slot_count
    need = len(buyers) * slots // 3 + 1
    companies = companies[:need]
    Meeting.objects.bulk_create(
        (
            Meeting(
                edition=edition,
                buyer=buyer,
                company=companies[(b * slots + s) % len(companies)],
                slot=s,
                score=1.0,
                reasons=[{"kind": "cpv", "text": "Activité proche du marché prévu."}],
                status=MeetingStatus.PUBLISHED,
            )
            for b, buyer in enumerate(buyers)
            for s in range(slots)
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )


def session_cookies() -> dict[str, dict[str, str]]:
    """The cookies of each demo role as a browser holds them after its first page: the session
    and the CSRF cookie (set by any page with a form; the spaces cache their content per CSRF
    secret, as ``ellipse.core.cache.private_fragment_key`` says)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    cookies = {}
    for role, email in {
        "company": "entreprise@ellipse.demo",
        "buyer": "acheteur@ellipse.demo",
        "staff": "equipe@ellipse.demo",
        "official": "elu@ellipse.demo",
    }.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(email=email))
        client.get("/")  # the sign-out form in the header sets the CSRF cookie
        names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        cookies[role] = {name: client.cookies[name].value for name in names}
    return cookies


def pages() -> list[tuple[str, str, str | None]]:
    """(name, path, role) of each page measured; the trivial view first."""
    from ellipse.demo import demo_edition

    year = demo_edition().year
    return [
        ("trivial view (session)", "/bench/trivial/", "company"),
        ("home", "/", None),
        ("registration form", "/entreprises/inscription/", None),
        ("catalogue", "/previsions/", None),
        ("catalogue, search", "/previsions/?q=nettoyage%20b%C3%A2timents", None),
        ("company space", "/entreprises/espace/", "company"),
        ("buyer space", "/acheteurs/espace/", "buyer"),
        ("SPASER dashboard", "/spaser/", "official"),
        ("sourcing directory, search", "/annuaire/?activite=nettoyage", "buyer"),
        ("trainings catalogue", "/formations/", None),
        ("staff registration list", "/admin/companies/registration/", "staff"),
        ("call queue", "/admin/companies/callqueueentry/", "staff"),
        ("planning grid", f"/rendez-vous/planning/{year}/", "staff"),
    ]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not listen on {port}")


def warm(url: str, cookie: str | None) -> tuple[int, int, float]:
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url, headers={"Cookie": cookie} if cookie else {}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, len(response.read()), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, 0, time.perf_counter() - started


def run_wrk(url: str, cookie: str | None, lua: str) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "60s"]
    command += ["-s", lua, *(["-H", f"Cookie: {cookie}"] if cookie else []), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    p50, p95, requests, duration_us, bad_status, timeouts = map(int, match.groups())
    return {
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "rps": requests / (duration_us / 1e6),
        "requests": requests,
        "non_2xx": bad_status,
        "timeouts": timeouts,
    }


def worker_rss(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024)
    return rss


def profile(pages_: list, cookies: dict[str, dict[str, str]]) -> None:
    from django.test import Client

    for name, path, role in pages_:
        client = Client()
        if role:
            for cookie, value in cookies[role].items():
                client.cookies[cookie] = value
        client.get(path)  # warm caches as the load run did
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        response = client.get(path)
        profiler.disable()
        took = time.perf_counter() - started
        print(f"\n### {name} — {path} ({response.status_code}, {took * 1000:.0f} ms profiled)")
        for sort, count in (("cumulative", 22), ("tottime", 8)):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(200)
            lines = out.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if "cumtime" in line)
            kept = [x for x in lines[start + 1 :] if x.strip() and not WRAPPERS.search(x)]
            print(f"by {sort}:")
            print("\n".join(_short(line) for line in kept[:count]))


WRAPPERS = re.compile(
    r"django/test/|core/handlers/|utils/deprecation|utils/decorators|whitenoise/|"
    r"contextlib|functools|\{built-in method builtins.exec\}|cProfile|<string>"
)


def _short(line: str) -> str:
    return re.sub(r"/\S*/site-packages/|" + re.escape(str(ROOT)) + "/", "", line)[:160]


def main() -> None:
    import django
    from _django import machine

    if not args.reuse:
        create_database()
    django.setup()
    from django.core.cache import cache

    cache.clear()  # nothing cached from another database (fragments, stamps)
    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    else:
        seed()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM buyers_plannedcontract")
        n_contracts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM companies_registration")
        n_registrations = cursor.fetchone()[0]
    cookies = session_cookies()
    cookie_header = {
        role: "; ".join(f"{cookie}={value}" for cookie, value in jar.items())
        for role, jar in cookies.items()
    }
    todo = pages()
    if args.only:
        wanted = args.only.split(",")
        todo = [todo[0], *(p for p in todo[1:] if any(w in p[0] for w in wanted))]
    connection.close()

    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "ellipse.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **ENV},
    )
    results = []
    try:
        wait_for_port(PORT)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(WRK_SCRIPT)
        for name, path, role in todo:
            url = f"http://127.0.0.1:{PORT}{path}"
            cookie = cookie_header[role] if role else None
            status, size, first = warm(url, cookie)
            warm(url, cookie)  # each worker once
            measured = run_wrk(url, cookie, lua.name) if status == 200 else None
            results.append((name, path, role, status, size, first, measured))
            shown = f"p50 {measured['p50']:.0f} ms p95 {measured['p95']:.0f} ms" if measured else ""
            print(f"  {name}: HTTP {status}, first {first:.2f} s {shown}", flush=True)
        rss = worker_rss(gunicorn.pid)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()

    floor = results[0][6]["p95"]
    print(f"\nMachine: {machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"{n_contracts} planned contracts, {n_registrations} registrations; gunicorn "
        f"{args.workers} workers, wrk {args.connections} connections × {args.duration} s per page\n"
    )
    print("| page | role | HTTP | KiB | p50 ms | p95 ms | p95 / trivial | req/s | non-2xx |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, _path, role, status, size, _first, m in results:
        if m is None:
            print(f"| {name} | {role or 'anonymous'} | {status} | – | – | – | – | – | – |")
            continue
        print(
            f"| {name} | {role or 'anonymous'} | {status} | {size / 1024:.0f} | {m['p50']:.0f} "
            f"| {m['p95']:.0f} | {m['p95'] / floor:.1f} | {m['rps']:.1f} "
            f"| {m['non_2xx'] + m['timeouts']} |"
        )
    print(f"\nWeb workers' RSS after the run: {', '.join(f'{r} MB' for r in rss)}")

    if args.profile:
        profile(todo, cookies)
    connection.close()
    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
