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
        RelevanceScore.objects.filter(edition=edition).delete()
        _insert(edition=edition, relevance=relevance)
        state.fingerprint = fingerprint
        state.computed_at = timezone.now()
        state.pair_count = len(relevance.pairs)
        state.seconds = round(time.perf_counter() - started, 3)
        state.save()
    return relevance


def _insert(*, edition, relevance: EditionRelevance) -> None:
    """Insert the pairs: PostgreSQL's COPY (tens of thousands of rows with JSON reasons in
    about a second, where ``bulk_create`` spends most of its time quoting JSON arrays), else
    ``bulk_create``."""
    pairs = relevance.pairs.values()
    if connection.vendor == "postgresql":
        table = RelevanceScore._meta.db_table
        columns = "edition_id, buyer_id, company_id, score, must_meet, reasons"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for p in pairs:
                copy.write_row(
                    (
                        edition.pk,
                        p.buyer_id,
                        p.company_id,
                        p.score,
                        p.must_meet,
                        json.dumps(p.reasons),
                    )
                )
        return
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
