"""Stored relevance: computed by a task, read by pages, refreshed when its inputs change."""

import pytest

from meetings.models import RelevanceScore, RelevanceState
from meetings.relevance import edition_relevance_compute
from meetings.selectors import edition_relevance
from meetings.services import edition_relevance_store
from tests.factories import UserFactory, WishFactory
from tests.meetings.test_relevance import _buyer, _company, make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition()


def test_stored_relevance_missing_queues_one_task_and_computes_nothing(
    edition, django_capture_on_commit_callbacks
):
    _buyer(edition, cpv_main_id="45442100", title="Peinture")
    _company(edition, "45442100")
    with django_capture_on_commit_callbacks() as callbacks:
        assert edition_relevance(edition=edition) is None
        assert edition_relevance(edition=edition) is None  # already queued: not again
    assert len(callbacks) == 1
    assert not RelevanceScore.objects.exists()
    assert RelevanceState.objects.get(edition=edition).queued_fingerprint


def test_stored_relevance_reads_what_the_task_computed(edition, django_capture_on_commit_callbacks):
    buyer = _buyer(edition, cpv_main_id="45442100", title="Peinture")
    company, registration = _company(edition, "45442100")
    computed = edition_relevance_store(edition=edition)
    with django_capture_on_commit_callbacks() as callbacks:
        stored = edition_relevance(edition=edition, with_reasons=True)
    assert not callbacks and not stored.stale
    assert stored.pairs.keys() == computed.pairs.keys() == {(buyer.pk, company.pk)}
    pair = stored.pairs[buyer.pk, company.pk]
    assert pair.score == computed.pairs[buyer.pk, company.pk].score
    assert pair.reasons == computed.pairs[buyer.pk, company.pk].reasons
    # An input changes: the old scores are still shown, marked stale, and a refresh queued.
    WishFactory(registration=registration, organisation=buyer)
    with django_capture_on_commit_callbacks() as callbacks:
        stale = edition_relevance(edition=edition)
    assert stale.stale and len(callbacks) == 1
    edition_relevance_store(edition=edition)
    fresh = edition_relevance(edition=edition)
    assert not fresh.stale
    assert fresh.pairs[buyer.pk, company.pk].score > pair.score


def test_store_relevance_bounded_queries(edition, django_assert_max_num_queries):
    for i in range(5):
        _buyer(edition, cpv_main_id="45442100", title=f"Peinture {i}", reference=f"P-{i}")
    for _ in range(8):
        _company(edition, "45442100", keywords="peinture")
    with django_assert_max_num_queries(30):
        edition_relevance_store(edition=edition)
    assert RelevanceScore.objects.filter(edition=edition).count() == 40
    with django_assert_max_num_queries(16):
        assert len(edition_relevance(edition=edition).pairs) == 40
    assert len(edition_relevance_compute(edition=edition).pairs) == 40


def test_web_modules_do_not_import_ortools():
    import os
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup();"
        "import ellipse.urls, meetings.services, meetings.views, meetings.selectors;"
        "print(sorted(m for m in ('ortools', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ellipse.settings.test"},
    )
    assert out.stdout.strip() == "[]"


def test_planning_page_without_stored_relevance_says_so_and_queues_it(
    client, edition, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(role="staff"))
    _buyer(edition, cpv_main_id="45442100", title="Peinture")
    _company(edition, "45442100")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(f"/rendez-vous/planning/{edition.year}/attente/")
    assert response.status_code == 200
    assert "calcul en cours" in response.content.decode()
    assert len(callbacks) == 1 and not RelevanceScore.objects.exists()


def test_store_relevance_queries_do_not_grow_with_the_pairs(edition):
    """The store reads and writes in bulk (COPY on PostgreSQL): as many queries for 2 new pairs
    as for 34."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for buyers, companies in [(2, 2), (0, 1), (3, 5)]:  # 2 × 2 pairs, 2 × 3, then 5 × 8
        for i in range(buyers):
            _buyer(edition, cpv_main_id="45442100", title="Peinture", reference=f"Q-{i}")
        for _ in range(companies):
            _company(edition, "45442100", keywords="peinture")
        with CaptureQueriesContext(connection) as captured:
            edition_relevance_store(edition=edition)
        counts.append(len(captured))
    assert RelevanceScore.objects.filter(edition=edition).count() == 40
    assert counts[1] == counts[2]  # refreshes: the same queries for 2 or 34 new pairs
    if connection.vendor == "postgresql":  # elsewhere the rows go through bulk_create batches
        assert counts[0] <= counts[1]  # the first store COPYs into the table directly


def test_store_relevance_rewrites_only_the_pairs_that_changed(edition):
    """Rows of unchanged pairs stay as they are; a changed pair is rewritten, a pair no longer
    a candidate deleted, a new one added. (Keeping the rows' ids is PostgreSQL's set-based
    refresh; elsewhere every row is written again: only the contents are compared.)"""
    from django.db import connection

    from meetings.enums import BuyerPreferenceKind
    from meetings.models import BuyerPreference

    painter = _buyer(edition, cpv_main_id="45442100", title="Peinture", reference="P-1")
    other = _buyer(edition, cpv_main_id="45442100", title="Peinture", reference="P-2")
    first, registration = _company(edition, "45442100")
    second, _registration = _company(edition, "45442100")
    edition_relevance_store(edition=edition)

    keeps_ids = connection.vendor == "postgresql"

    def rows():
        return {
            (buyer_id, company_id): (pk if keeps_ids else None, score)
            for pk, buyer_id, company_id, score in RelevanceScore.objects.values_list(
                "pk", "buyer_id", "company_id", "score"
            )
        }

    before = rows()
    assert len(before) == 4
    edition_relevance_store(edition=edition)
    assert rows() == before  # nothing changed: nothing rewritten
    WishFactory(registration=registration, organisation=painter)
    BuyerPreference.objects.create(
        edition=edition, buyer=other, company=second, kind=BuyerPreferenceKind.WONT_MEET
    )
    third, _registration = _company(edition, "45442100")
    edition_relevance_store(edition=edition)
    after = rows()
    assert after.keys() == {
        (painter.pk, first.pk),
        (painter.pk, second.pk),
        (other.pk, first.pk),
        (painter.pk, third.pk),
        (other.pk, third.pk),
    }
    assert after[painter.pk, first.pk][1] > before[painter.pk, first.pk][1]
    if keeps_ids:
        assert after[painter.pk, first.pk][0] != before[painter.pk, first.pk][0]
    for key in [(painter.pk, second.pk), (other.pk, first.pk)]:
        assert after[key] == before[key]
    stored = edition_relevance(edition=edition, with_reasons=True)
    computed = edition_relevance_compute(edition=edition)
    assert {k: (p.score, p.reasons) for k, p in stored.pairs.items()} == {
        k: (p.score, p.reasons) for k, p in computed.pairs.items()
    }


def test_store_relevance_reports_its_progress(edition, monkeypatch):
    from meetings import relevance

    monkeypatch.setattr(relevance, "PROGRESS_EVERY", 2)
    _buyer(edition, cpv_main_id="45442100", title="Peinture")
    for _ in range(5):
        _company(edition, "45442100")
    seen = []
    edition_relevance_store(
        edition=edition, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(2, 5), (4, 5), (5, 5)]
