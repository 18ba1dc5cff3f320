"""The agendas' goal (issue 14), measured in one run on a seeded edition (142 company agendas,
30 buyer agendas of 9 meetings).

1. The floors, each measured before and after the agendas in the same process:
   - the goal's floor, a bare WeasyPrint page: ``weasyprint.HTML(string=page).write_pdf()``
     with nothing of ours (WeasyPrint's own stylesheet, the system's fonts, no tags), ``page``
     being plain paragraphs of French text, as many as fit on one A4 page;
   - an empty page with the agendas' set-up (embedded DejaVu, the agenda stylesheet with its
     page footer, tagged PDF, a two-line body) through ``pdf_render_html``: what any of our
     PDFs costs before its content (the floor of the previous sessions' tables);
   - each agenda's own text as bare WeasyPrint paragraphs (same words, no markup of ours).
2. Each agenda kind in-process: the PDF's render time (``document_render``), its pages, the
   time per page and its ratio to the bare page (goal: ≤ 2×) and to the other floors; then the
   whole ``document_ensure`` (hash, lock, render, store) per document.
3. When PostgreSQL and Redis are configured (DATABASE_URL=postgres://…, REDIS_URL=redis://…):
   the batch, PDF + ICS for every participant (172 ≥ the goal's 170), through a real Celery
   worker started for it (``-c 2`` by default, ``CONN_MAX_AGE=60`` as in production), wall time
   from queueing to the last document stored, its ratio to the goal's 30 s, and the CPU time
   the worker's processes spent on it.

Times are given as CPU time of the process (``time.process_time``) as well as wall time: on a
shared machine the wall time of a single-threaded render grows with the load of others, its CPU
time much less, and the ratio to the floor is read on both.

Options: ``--concurrency 1 2`` (worker runs), ``--tasks chunked single`` (the refresh tasks as
a schedule change queues them, ``REFRESH_CHUNK`` participants each — the default —, or one per
participant), ``--profile N`` (cProfile of N participants' ``agenda_documents_ensure``
in-process, the main costs). Prints Markdown.
"""

import argparse
import cProfile
import io
import logging
import pstats
import re
import statistics
import time

from _django import machine, setup

parser = argparse.ArgumentParser()
parser.add_argument("--concurrency", type=int, nargs="*", default=[2])
parser.add_argument("--profile", type=int, default=0, metavar="N")
parser.add_argument(
    "--tasks",
    nargs="*",
    default=["chunked"],
    choices=["chunked", "single"],
    help="chunked: the refresh tasks as a schedule change queues them (REFRESH_CHUNK "
    "participants each); single: one task per participant",
)
args = parser.parse_args()

connection, db_name = setup()
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from html import escape, unescape  # noqa: E402

from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils.html import strip_tags  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from ellipse.pdf import pdf_render_html  # noqa: E402
from meetings.invitations import agendas  # noqa: E402
from meetings.invitations.documents import (  # noqa: E402
    SPECS,
    agenda_documents_ensure,
    document_ensure,
    document_render,
)
from meetings.invitations.enums import DocumentKind  # noqa: E402
from meetings.invitations.models import GeneratedDocument  # noqa: E402
from tests.invitations.data import published_schedule  # noqa: E402

GOAL_RATIO = 2.0
GOAL_BATCH_SECONDS = 30.0
EMPTY_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page</title></head>'
    "<body><h1>Page nue</h1><p>Une ligne de texte.</p></body></html>"
)
SENTENCE = (
    "Le marché d'entretien des bâtiments communaux sera publié au deuxième trimestre, pour un "
    "montant estimé de cent vingt mille euros hors taxes, en lots réservés aux petites "
    "entreprises du territoire. "
)


def text_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Page</title>'
        f"</head><body>{body}</body></html>"
    )


def bare_render(html: str) -> int:
    """WeasyPrint as its documentation calls it, nothing of ours; returns the page count."""
    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages)


def full_bare_page() -> str:
    """Plain paragraphs of two sentences, as many as WeasyPrint's defaults fit on one page."""
    count = 1
    while bare_render(text_page([SENTENCE * 2] * (count + 1))) == 1:
        count += 1
    return text_page([SENTENCE * 2] * count)


BLOCK_TAG = re.compile(r"<(?:/?(?:p|h[1-6]|li|dt|dd|div|section)\b[^>]*|br\s*/?)>")


def bare_same_text(html: str) -> str:
    """The agenda's words, one bare paragraph per block of its markup."""
    body = BLOCK_TAG.sub("\n", html.split("<body>", 1)[1])
    lines = (" ".join(line.split()) for line in unescape(strip_tags(body)).split("\n"))
    return text_page([line for line in lines if line])


FULL_PAGE = full_bare_page()

edition, buyers, companies = published_schedule(buyers=30, companies=142, per_buyer=9, year=2040)
company_contexts = agendas.company_agendas(edition=edition)
buyer_contexts = agendas.buyer_agendas(edition=edition)
print(f"Machine: {machine()}; database: {connection.vendor}; date: {time.strftime('%Y-%m-%d')}")
print(f"{len(company_contexts)} company agendas, {len(buyer_contexts)} buyer agendas\n")

# Warm-up (imports, fonts, templates): not counted, reported.
started = time.perf_counter()
pdf_render_html(html=EMPTY_PAGE)
document_ensure(
    edition=edition,
    kind=DocumentKind.COMPANY_AGENDA,
    owner_id=next(iter(company_contexts)),
    context=next(iter(company_contexts.values())),
)
warmup = time.perf_counter() - started
GeneratedDocument.objects.all().delete()


def timed(render, count: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``count`` calls of ``render``."""
    times = []
    for _ in range(count):
        t, c = time.perf_counter(), time.process_time()
        render()
        times.append((time.perf_counter() - t, time.process_time() - c))
    return times


def floors(count: int) -> tuple[list, list]:
    bare = timed(lambda: bare_render(FULL_PAGE), count)
    empty = timed(lambda: pdf_render_html(html=EMPTY_PAGE), count)
    return bare, empty


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)]


def ms(value: float) -> str:
    return f"{value * 1000:.0f}"


bare_times, empty_times = floors(30)
rows = []
for label, kind, contexts in (
    ("company agenda", DocumentKind.COMPANY_AGENDA, company_contexts),
    ("buyer agenda", DocumentKind.BUYER_AGENDA, buyer_contexts),
):
    wall, cpu, pages, same_text = [], [], [], []
    for context in contexts.values():
        t, c = time.perf_counter(), time.process_time()
        content = document_render(kind=kind, context=context)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        pages.append(len(PdfReader(io.BytesIO(content)).pages))
        plain = bare_same_text(render_to_string(SPECS[kind].template, {"agenda": context}))
        c = time.process_time()
        bare_render(plain)
        same_text.append(time.process_time() - c)
    ensure = []
    for owner_id, context in contexts.items():
        t = time.perf_counter()
        document_ensure(edition=edition, kind=kind, owner_id=owner_id, context=context)
        ensure.append(time.perf_counter() - t)
    rows.append((label, wall, cpu, pages, ensure, same_text))
more_bare, more_empty = floors(30)
bare_times += more_bare
empty_times += more_empty


def floor_line(label: str, times: list) -> tuple[float, float]:
    wall, cpu = statistics.mean(w for w, _c in times), statistics.mean(c for _w, c in times)
    print(
        f"- {label}, {len(times)} renders: CPU mean {ms(cpu)} ms; wall mean {ms(wall)} ms, "
        f"median {ms(statistics.median(w for w, _c in times))} ms, "
        f"p95 {ms(p95([w for w, _c in times]))} ms."
    )
    return wall, cpu


paragraphs = FULL_PAGE.count("<p>")
print("Floors:")
floor_wall, floor_cpu = floor_line(
    f"bare WeasyPrint page (the goal's floor: {paragraphs} paragraphs of plain text filling one "
    "A4 page, WeasyPrint's defaults)",
    bare_times,
)
_empty_wall, empty_cpu = floor_line(
    "empty page with the agendas' set-up (embedded fonts, stylesheet, footer, tags)", empty_times
)
print()
print(
    "| document | count | pages | CPU mean (ms) | CPU per page (ms) | ÷ bare page (CPU) "
    "| ÷ empty page (CPU) | ÷ its own text, bare (CPU) | wall mean (ms) | wall p95 (ms) "
    "| wall per page ÷ bare page | document_ensure mean (ms) | total (s) |"
)
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for label, wall, cpu, pages, ensure, same_text in rows:
    cpu_page, wall_page = sum(cpu) / sum(pages), sum(wall) / sum(pages)
    page_range = f"{min(pages)}–{max(pages)}" if min(pages) != max(pages) else f"{pages[0]}"
    verdict = "✓" if cpu_page / floor_cpu <= GOAL_RATIO else "✗"
    print(
        f"| {label} | {len(cpu)} | {page_range} | {ms(statistics.mean(cpu))} | {ms(cpu_page)} "
        f"| {cpu_page / floor_cpu:.2f} {verdict} | {cpu_page / empty_cpu:.2f} "
        f"| {sum(cpu) / sum(same_text):.2f} | {ms(statistics.mean(wall))} | {ms(p95(wall))} "
        f"| {wall_page / floor_wall:.2f} | {ms(statistics.mean(ensure))} | {sum(ensure):.1f} |"
    )
t = time.perf_counter()
document_ensure(edition=edition, kind=DocumentKind.BOOKLET, owner_id=0)
booklet = time.perf_counter() - t
print(
    f"| staff booklet ({len(buyer_contexts)} tables + index) | 1 | | | | | | | {ms(booklet)} "
    "| | | | |"
)
print(
    f"\nGoal: per page ≤ {GOAL_RATIO:g}× the bare page. First PDF of the process (imports, fonts, "
    f"templates): {warmup:.2f} s, not counted above.\n"
)

owners = [("company", pk) for pk in company_contexts] + [("buyer", pk) for pk in buyer_contexts]

if args.profile:
    GeneratedDocument.objects.all().delete()
    profile = cProfile.Profile()
    sample = owners[: args.profile // 2] + owners[-(args.profile - args.profile // 2) :]
    profile.enable()
    for owner_kind, pk in sample:
        agenda_documents_ensure(edition=edition, owner_kind=owner_kind, owner_id=pk)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
    print(f"Profile of {len(sample)} participants (PDF + ICS each), in-process:\n```")
    print(out.getvalue().split("\n", 4)[-1].rstrip())
    print("```\n")

if connection.vendor == "postgresql" and settings.REDIS_URL:
    import os
    import tempfile
    from pathlib import Path

    from celery import group

    from ellipse.celery import app
    from meetings.invitations.services import REFRESH_CHUNK, refresh_chunks
    from meetings.invitations.tasks import agenda_documents_refresh, agenda_documents_refresh_many
    from tests.integration.conftest import WorkerProcess

    def cpu_seconds(pid: int) -> float:
        """User + system CPU time of a process and of its live children (the pool)."""
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0
        for each in [pid, *map(int, children)]:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    os.environ["CONN_MAX_AGE"] = "60"  # as in production (ellipse/settings/production.py)

    app.conf.task_always_eager = False
    print(
        f"Batch goal: {len(owners)} participants (PDF + ICS each) through a Celery worker "
        f"in ≤ {GOAL_BATCH_SECONDS:g} s.\n"
    )
    print(
        "| worker | participants | first document (s) | wall time (s) | per participant (s) "
        "| ÷ 30 s | worker CPU (s) |"
    )
    print("|---|---|---|---|---|---|---|")

    def signatures(mode: str) -> list:
        if mode == "chunked":
            return [
                agenda_documents_refresh_many.si(**kwargs)
                for kwargs in refresh_chunks(edition.pk, owners)
            ]
        return [
            agenda_documents_refresh.si(edition_id=edition.pk, owner_kind=k, owner_id=pk)
            for k, pk in owners
        ]

    label = {"chunked": f"≤ {REFRESH_CHUNK} participants each", "single": "one per participant"}
    runs = [(c, mode) for c in args.concurrency for mode in args.tasks]
    for concurrency, mode in runs:
        GeneratedDocument.objects.all().delete()
        worker = WorkerProcess(mail_dir=Path(tempfile.mkdtemp()) / "mail", concurrency=concurrency)
        worker.start()
        try:
            cpu_before = cpu_seconds(worker.process.pid)
            begin = time.perf_counter()
            tasks = signatures(mode)
            group(tasks).apply_async()
            expected = 2 * len(owners)
            first = None
            while (count := GeneratedDocument.objects.exclude(content_hash="").count()) < expected:
                if first is None and count:
                    first = time.perf_counter() - begin
                time.sleep(0.05)
            wall = time.perf_counter() - begin
            cpu = cpu_seconds(worker.process.pid) - cpu_before
        finally:
            worker.stop()
        verdict = "✓" if wall <= GOAL_BATCH_SECONDS else "✗"
        print(
            f"| Celery, -c {concurrency}, {len(tasks)} tasks ({label[mode]}) "
            f"| {len(owners)} | {first or 0:.2f} | {wall:.1f} "
            f"| {wall / len(owners):.3f} | {wall / GOAL_BATCH_SECONDS:.2f} {verdict} | {cpu:.1f} |"
        )
else:
    print("Worker runs skipped: they need DATABASE_URL=postgres://… and REDIS_URL=redis://….")

connection.creation.destroy_test_db(db_name, verbosity=0)
