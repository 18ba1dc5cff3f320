"""Copying an edition's settings into the next one (service and admin action)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition
from ellipse.editions.services import edition_copy_settings
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_copy_settings_carries_grid_and_weights_to_next_year():
    source = EditionFactory(
        year=2035,
        welcome_minutes=30,
        slot_minutes=25,
        slot_count=8,
        max_meetings_per_buyer=8,
        breaks=[{"after_slot": 3, "minutes": 15}],
        max_meetings_per_company=2,
        weight_ess=0.4,
        status=EditionStatus.CLOSED,
    )
    copy = edition_copy_settings(source=source)
    assert copy.year == 2036 and copy.status == EditionStatus.DRAFT
    assert copy.date == dt.date(2036, 4, 10)
    assert copy.registration_deadline.year == source.registration_deadline.year + 1
    assert (copy.slot_minutes, copy.slot_count, copy.breaks) == (25, 8, source.breaks)
    assert (copy.welcome_minutes, copy.max_meetings_per_company, copy.weight_ess) == (30, 2, 0.4)
    assert [s.label for s in copy.slots] == [s.label for s in source.slots]


def test_copy_settings_refuses_an_existing_year():
    source = EditionFactory(year=2037)
    EditionFactory(year=2038)
    with pytest.raises(ValidationError, match="existe déjà"):
        edition_copy_settings(source=source)
    assert Edition.objects.count() == 2


def test_copy_settings_admin_action_is_one_click(client):
    source = EditionFactory(year=2039)
    client.force_login(UserFactory(role="staff"))
    response = client.post(
        reverse("admin:editions_edition_changelist"),
        {"action": "copy_settings", "_selected_action": [source.pk]},
        follow=True,
    )
    assert "Édition 2040 créée" in response.content.decode()
    assert Edition.objects.filter(year=2040, venue=source.venue).exists()
