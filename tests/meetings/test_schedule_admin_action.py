"""The "compute the schedule" action of the editions admin, brought by the meetings admin."""

from django.urls import reverse

from meetings.models import ScheduleRun
from tests.factories import UserFactory


def test_edition_admin_action_requests_a_run_once(client, small):
    client.force_login(UserFactory(role="staff"))
    url = reverse("admin:editions_edition_changelist")
    data = {"action": "schedule", "_selected_action": [small.edition.pk]}
    page = client.post(url, data, follow=True).content.decode()
    assert "Calcul lancé pour" in page
    assert ScheduleRun.objects.filter(edition=small.edition).count() == 1
    again = client.post(url, data, follow=True).content.decode()
    assert "déjà en cours" in again
    assert ScheduleRun.objects.filter(edition=small.edition).count() == 1
