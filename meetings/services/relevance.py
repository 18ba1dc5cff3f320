"""Storing an edition's relevance: computed by a task, read by pages and the scheduler."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from ..models import RelevanceScore, RelevanceState
from ..relevance import EditionRelevance, edition_relevance_compute, relevance_fingerprint

STORE_BATCH = 5000


def edition_relevance_store(
    *, edition, progress: Callable[[int, int], None] | None = None
) -> EditionRelevance:
    """Compute every pair's relevance for ``edition`` and store it (replacing the previous
    rows in one transaction, PostgreSQL's ``COPY``); returns what was computed.
    ``progress(done, total)``: companies scored so far (see ``edition_relevance_compute``)."""
    fingerprint = relevance_fingerprint(edition=edition)
    started = time.perf_counter()
    relevance = edition_relevance_compute(edition=edition, progress=progress)
    with transaction.atomic():
        state, _created = RelevanceState.objects.select_for_update().get_or_create(edition=edition)
        _replace(edition=edition, relevance=relevance)
        state.fingerprint = fingerprint
        state.computed_at = timezone.now()
        state.pair_count = len(relevance.pairs)
        state.seconds = round(time.perf_counter() - started, 3)
        state.save()
    return relevance


def _replace(*, edition, relevance: EditionRelevance) -> None:
    """Make the stored rows those of ``relevance``, writing only what changed.

    On PostgreSQL, a first computation ``COPY``s every pair into the table. A refresh
    ``COPY``s them into a temporary table (no index, no foreign key to check), then two
    set-based statements delete the stored rows of pairs gone or changed and insert the new
    and changed ones: after a small change of inputs a few rows are written, in 7 queries
    whatever the number of pairs (no row read back into Python). Elsewhere: delete and
    ``bulk_create``."""
    pairs = relevance.pairs.values()
    if connection.vendor != "postgresql":
        RelevanceScore.objects.filter(edition=edition).delete()
        RelevanceScore.objects.bulk_create(
            (
                RelevanceScore(
                    edition=edition,
                    buyer_id=p.buyer_id,
                    company_id=p.company_id,
                    score=p.score,
                    must_meet=p.must_meet,
                    reasons=p.reasons,
                )
                for p in pairs
            ),
            batch_size=STORE_BATCH,
        )
        return
    dumps = json.JSONEncoder(check_circular=False).encode
    if not RelevanceScore.objects.filter(edition=edition).exists():  # first computation
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY meetings_relevancescore ({COLUMNS}) FROM STDIN") as copy,
        ):
            for p in pairs:
                copy.write_row(
                    (edition.pk, p.buyer_id, p.company_id, p.score, p.must_meet, dumps(p.reasons))
                )
        return
    with connection.cursor() as cursor:
        cursor.execute(NEW_PAIRS_TABLE)
        with cursor.cursor.copy(
            "COPY relevance_new (buyer_id, company_id, score, must_meet, reasons) FROM STDIN"
        ) as copy:
            for p in pairs:
                copy.write_row((p.buyer_id, p.company_id, p.score, p.must_meet, dumps(p.reasons)))
        # Statistics and memory for hash joins (the default 4 MB sorts 50,000 rows on disk).
        cursor.execute("ANALYZE relevance_new; SET LOCAL work_mem = '64MB'")
        cursor.execute(DELETE_STALE_SQL, {"edition": edition.pk})
        cursor.execute(INSERT_NEW_SQL, {"edition": edition.pk})
        cursor.execute("DROP TABLE relevance_new")  # ON COMMIT DROP: not before the outer commit


COLUMNS = "edition_id, buyer_id, company_id, score, must_meet, reasons"
NEW_PAIRS_TABLE = """
CREATE TEMPORARY TABLE relevance_new (
    buyer_id bigint NOT NULL, company_id bigint NOT NULL, score double precision NOT NULL,
    must_meet boolean NOT NULL, reasons jsonb NOT NULL
) ON COMMIT DROP
"""
#: Stored rows whose pair is gone or changed (jsonb compares by value).
DELETE_STALE_SQL = """
DELETE FROM meetings_relevancescore AS s
WHERE s.edition_id = %(edition)s AND NOT EXISTS (
    SELECT 1 FROM relevance_new AS n
    WHERE n.buyer_id = s.buyer_id AND n.company_id = s.company_id AND n.score = s.score
      AND n.must_meet = s.must_meet AND n.reasons = s.reasons
)
"""
INSERT_NEW_SQL = """
INSERT INTO meetings_relevancescore (edition_id, buyer_id, company_id, score, must_meet, reasons)
SELECT %(edition)s, n.buyer_id, n.company_id, n.score, n.must_meet, n.reasons
FROM relevance_new AS n
WHERE NOT EXISTS (
    SELECT 1 FROM meetings_relevancescore AS s
    WHERE s.edition_id = %(edition)s AND s.buyer_id = n.buyer_id AND s.company_id = n.company_id
)
"""


def edition_relevance_request(*, edition, fingerprint: str) -> bool:
    """Queue the refresh of ``edition``'s stored relevance, unless one for these inputs
    (``fingerprint``) is queued already; returns whether a task was queued."""
    from ..tasks import edition_relevance_task

    with transaction.atomic():
        state, _created = RelevanceState.objects.get_or_create(edition=edition)
        queued = (
            RelevanceState.objects.filter(pk=state.pk)
            .exclude(queued_fingerprint=fingerprint)
            .update(queued_fingerprint=fingerprint)
        )
        if queued:
            transaction.on_commit(lambda: edition_relevance_task.delay(edition_id=edition.pk))
    return bool(queued)
