"""The current edition as pages read it (``ellipse.editions.current``): from the cache, and
never stale: a new edition, a status changed, a schedule published show at once."""

import datetime as dt

import pytest
from django.utils import timezone

from ellipse.editions.current import current_edition
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition
from ellipse.editions.phase import EditionPhase
from tests.factories import EditionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_current_edition_is_read_once_then_from_the_cache(django_assert_num_queries):
    edition = EditionFactory(status=EditionStatus.REGISTRATION_OPEN)
    with django_assert_num_queries(1):
        assert current_edition() == edition
    with django_assert_num_queries(0):
        cached = current_edition()
    assert cached == edition == Edition.objects.current()
    assert cached.schedule_public is False  # with the phase's annotation


def test_no_edition_is_cached_too(django_assert_num_queries):
    assert current_edition() is None
    with django_assert_num_queries(0):
        assert current_edition() is None
    edition = EditionFactory()
    assert current_edition() == edition  # a new edition shows at once


def test_a_status_changed_or_a_newer_edition_shows_at_once():
    old = EditionFactory(year=2030, status=EditionStatus.REGISTRATION_OPEN)
    assert current_edition() == old
    old.status = EditionStatus.CLOSED
    old.save()
    assert current_edition().status == EditionStatus.CLOSED
    newer = EditionFactory(year=2031, status=EditionStatus.DRAFT)
    assert current_edition() == newer


def test_a_published_meeting_moves_the_phase_on():
    edition = EditionFactory(
        status=EditionStatus.REGISTRATION_OPEN,
        date=timezone.localdate() + dt.timedelta(days=30),
        registration_deadline=timezone.now() - dt.timedelta(days=1),
    )
    assert current_edition().phase == EditionPhase.REGISTRATION_CLOSED
    MeetingFactory(edition=edition, status="published")
    assert current_edition().phase == EditionPhase.SCHEDULE_PUBLISHED


def test_each_call_gives_a_copy_whose_phase_follows_the_clock(monkeypatch):
    now = timezone.now()
    EditionFactory(
        status=EditionStatus.REGISTRATION_OPEN,
        date=timezone.localdate() + dt.timedelta(days=30),
        registration_deadline=now + dt.timedelta(hours=1),
    )
    first = current_edition()
    assert first.phase == EditionPhase.REGISTRATION_OPEN
    first.title = "Changée par l'appelant"
    monkeypatch.setattr(timezone, "now", lambda: now + dt.timedelta(hours=2))
    second = current_edition()
    assert second is not first and second.title != "Changée par l'appelant"
    assert second.phase == EditionPhase.REGISTRATION_CLOSED  # not the first copy's phase


def test_the_edition_of_a_year_is_cached_and_follows_every_save(django_assert_num_queries):
    from ellipse.editions.current import edition_of_year

    edition = EditionFactory(year=2034, title="Convention 2034")
    with django_assert_num_queries(1):
        assert edition_of_year(2034) == edition
    with django_assert_num_queries(0):
        copy = edition_of_year(2034)
    copy.title = "Changée par l'appelant"
    assert edition_of_year(2034).title == "Convention 2034"
    edition.title = "Renommée"
    edition.save()
    assert edition_of_year(2034).title == "Renommée"
    assert edition_of_year(2035) is None
    later = EditionFactory(year=2035)
    assert edition_of_year(2035) == later
    later.delete()
    assert edition_of_year(2035) is None
