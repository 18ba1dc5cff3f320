"""The planning grid's cached rows and figures: every kind of edit shows on the next page (a
stale fragment would fail these tests), each through the path staff or tasks really take."""

import re

import pytest
from django.urls import reverse

from companies.enums import RegistrationStatus
from companies.services.selection import registration_transition
from meetings.enums import MeetingStatus, ScheduleRunStatus
from meetings.models import Meeting, ScheduleRun
from meetings.services import edition_schedule, schedule_publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(role="staff")
    client.force_login(user)
    client.user = user
    return client


def _page(client, edition, **params) -> str:
    response = client.get(reverse("meetings:planning", args=[edition.year]), params)
    assert response.status_code == 200
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    return content


def _row(content: str, buyer_id: int) -> str:
    return content.split(f'<tr id="acheteur-{buyer_id}"')[1].split("</tr>")[0]


def _row_slots(content: str, buyer_id: int) -> list[str]:
    """The row's cells, in slot order: "rdv-<meeting id>" or "free"."""
    ids = re.findall(r'<td id="(rdv-\d+|creneau-\d+-\d+)"', _row(content, buyer_id))
    return [i if i.startswith("rdv-") else "free" for i in ids]


def _cell(content: str, meeting_id: int) -> str:
    return content.split(f'<td id="rdv-{meeting_id}"')[1].split("</td>")[0]


def _htmx(client, edition, data) -> str:
    url = reverse("meetings:planning_action", args=[edition.year])
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def _free_slot(edition, buyer_id) -> int:
    taken = set(
        Meeting.objects.filter(edition=edition, buyer_id=buyer_id)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("slot", flat=True)
    )
    return min(set(range(edition.slot_count)) - taken)


def test_each_edit_shows_in_the_redrawn_row_and_on_the_next_page(staff, small):
    edition = small.edition
    edition_schedule(edition=edition)
    buyer = small.buyers[2]
    first, second = Meeting.objects.filter(buyer=buyer).order_by("slot")[:2]
    assert f'id="rdv-{first.pk}"' in _page(staff, edition)  # the rows are now cached

    # move (a save): the meeting leaves its slot and is locked
    free = _free_slot(edition, buyer.pk)
    row = _htmx(staff, edition, {"action": "move", "meeting": first.pk, "slot": free})
    assert _row_slots(row, buyer.pk)[free] == f"rdv-{first.pk}"
    page = _page(staff, edition)
    assert _row_slots(page, buyer.pk) == _row_slots(row, buyer.pk)
    assert _row_slots(page, buyer.pk)[first.slot] == "free"
    assert "verrouillé" in _cell(page, first.pk)

    # unlock (a save)
    _htmx(staff, edition, {"action": "unlock", "meeting": first.pk})
    assert "verrouillé" not in _cell(_page(staff, edition), first.pk)

    # swap (QuerySet.update: no signal)
    first.refresh_from_db()
    row = _htmx(staff, edition, {"action": "swap", "meeting": first.pk, "other": second.pk})
    page = _page(staff, edition)
    assert _row_slots(page, buyer.pk)[first.slot] == f"rdv-{second.pk}"
    assert _row_slots(page, buyer.pk)[second.slot] == f"rdv-{first.pk}"
    assert _row_slots(page, buyer.pk) == _row_slots(row, buyer.pk)

    # lock
    third = Meeting.objects.filter(edition=edition, locked=False).exclude(
        status=MeetingStatus.CANCELLED
    )[0]
    _htmx(staff, edition, {"action": "lock", "meeting": third.pk})
    assert "verrouillé" in _cell(_page(staff, edition), third.pk)

    # cancel: the slot is free again
    _htmx(staff, edition, {"action": "cancel", "meeting": second.pk})
    page = _page(staff, edition)
    assert f'id="rdv-{second.pk}"' not in page
    assert f'id="creneau-{buyer.pk}-{first.slot}"' in page

    # add by hand (no JavaScript: a redirect, then the page)
    url = reverse("meetings:planning_action", args=[edition.year])
    company = second.company
    slot = _free_slot(edition, buyer.pk)
    staff.post(url, {"action": "add", "buyer": buyer.pk, "company": company.pk, "slot": slot})
    added = Meeting.objects.get(
        edition=edition, buyer=buyer, company=company, status=MeetingStatus.DRAFT
    )
    assert _row_slots(_page(staff, edition), buyer.pk)[slot] == f"rdv-{added.pk}"


def _csrf(content: str) -> str:
    return content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_publishing_in_bulk_shows_on_the_next_page(staff, small):
    edition = small.edition
    edition_schedule(edition=edition)
    meeting = Meeting.objects.filter(edition=edition).first()
    page = _page(staff, edition)
    assert "brouillon" in _cell(page, meeting.pk) and "pas encore publié" in page
    schedule_publish(edition=edition, keep_status=True)  # QuerySet.update of the drafts
    page = _page(staff, edition)
    assert "brouillon" not in _cell(page, meeting.pk)
    assert "Le planning est publié" in page and "rendez-vous en brouillon" not in page


def test_a_finished_computation_shows_its_meetings_and_bound(
    staff, small, django_capture_on_commit_callbacks
):
    edition = small.edition
    page = _page(staff, edition)
    assert 'id="rdv-' not in page and "borne inconnue" in page
    url = reverse("meetings:planning_action", args=[edition.year])
    with django_capture_on_commit_callbacks(execute=True):  # the task runs (eager)
        staff.post(url, {"action": "schedule"})
    assert ScheduleRun.objects.get(edition=edition).status == ScheduleRunStatus.DONE
    page = _page(staff, edition)  # bulk_create of the meetings, update of the run
    meetings = Meeting.objects.filter(edition=edition)
    assert meetings and all(f'id="rdv-{m.pk}"' in page for m in meetings)
    assert "borne inconnue" not in page and "pour une borne de" in page


def test_changes_below_the_meetings_show_on_the_next_page(staff, small):
    edition = small.edition
    edition_schedule(edition=edition)
    meeting = Meeting.objects.filter(edition=edition).select_related("company").first()
    participation = small.participations[0]
    page = _page(staff, edition)
    assert "(6 sur 6)" in page  # retained companies with a meeting
    # a company renamed (its profile), a buyer's table, a registration withdrawn
    company = meeting.company
    company.trade_name = "Peintures Nouvelles"
    company.save()
    participation.table = "Table 12"
    participation.save()
    registration = next(r for r in small.registrations if r.company_id != company.pk)
    registration_transition(
        registration=registration,
        to_status=RegistrationStatus.NOT_RETAINED,
        by=staff.user,
        reason="Désistement.",
    )
    page = _page(staff, edition)
    assert "Peintures Nouvelles" in _cell(page, meeting.pk)
    assert "Table 12" in _row(page, participation.organisation_id)
    assert "sur 5)" in page


def test_cached_rows_follow_the_filters(staff, small):
    edition = small.edition
    edition_schedule(edition=edition)
    everyone = _page(staff, edition)
    assert everyone.count('<th scope="row">') == 3
    one = _page(staff, edition, acheteur=small.buyers[1].pk)
    assert one.count('<th scope="row">') == 1 and f'id="acheteur-{small.buyers[1].pk}"' in one
    named = _page(staff, edition, q=small.buyers[2].name)
    assert named.count('<th scope="row">') == 1 and f'id="acheteur-{small.buyers[2].pk}"' in named


def _journal(content: str) -> str:
    return content.split('id="titre-journal"')[1].split("</section>")[0]


def test_the_change_log_follows_changes_notifications_and_authors(staff, small):
    """The change log is cached: a change recorded, its notification and its author's new
    e-mail address each show on the next page."""
    from meetings.invitations.services import schedule_changes_notify

    edition = small.edition
    edition_schedule(edition=edition)
    schedule_publish(edition=edition, keep_status=True)
    assert "Aucune modification enregistrée." in _journal(_page(staff, edition))
    meeting = Meeting.objects.filter(edition=edition).first()
    free = _free_slot(edition, meeting.buyer_id)
    _htmx(staff, edition, {"action": "move", "meeting": meeting.pk, "slot": free})
    journal = _journal(_page(staff, edition))
    assert f"({staff.user.email})" in journal and "à notifier" in journal
    staff.user.email = "nouvelle.adresse@example.org"
    staff.user.save()
    assert "(nouvelle.adresse@example.org)" in _journal(_page(staff, edition))
    schedule_changes_notify(edition=edition)  # QuerySet.update of notified_at
    assert "à notifier" not in _journal(_page(staff, edition))


def test_a_computation_s_progress_shows_while_it_runs(staff, small, monkeypatch):
    """The task writes the progress by QuerySet.update: each step shows on the next page."""
    from meetings.services import ScheduleError
    from meetings.services.computing import schedule_run_execute

    edition = small.edition
    run = ScheduleRun.objects.create(edition=edition)  # pending
    assert "every 2s" in _page(staff, edition)
    seen = []

    def fake_schedule(*, progress, **kwargs):
        seen.append(_page(staff, edition))  # claimed: running
        progress(55, "Étape de test")
        seen.append(_page(staff, edition))
        raise ScheduleError("Échec de test")

    monkeypatch.setattr("meetings.services.computing.edition_schedule", fake_schedule)
    schedule_run_execute(run_id=run.pk)
    assert 'value="1"' in seen[0]
    assert 'value="55"' in seen[1] and "Étape de test" in seen[1]
    page = _page(staff, edition)
    assert "every 2s" not in page and "Échec de test" in page


def test_the_whole_page_follows_the_edition_and_is_per_user(staff, small):
    """The whole page is cached per user: a renamed edition shows at once, another staff
    member gets a page of their own, an unknown year is a 404."""
    edition = small.edition
    _page(staff, edition)  # sets the CSRF cookie: from now on the page may be cached
    _page(staff, edition)
    warm = staff.get(reverse("meetings:planning", args=[edition.year]))
    assert warm.templates == []  # served whole from the cache
    edition.title = "Convention renommée"
    edition.save()
    assert "Convention renommée" in _page(staff, edition)
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(role="staff"))
    client.get(reverse("meetings:planning", args=[edition.year]))  # its CSRF cookie
    response = client.get(reverse("meetings:planning", args=[edition.year]))
    assert response.templates  # not the first user's page
    assert staff.get(reverse("meetings:planning", args=[1999])).status_code == 404


def test_a_sign_in_leaves_the_change_log_cached_an_e_mail_change_does_not(small):
    """The log shows its authors' e-mail addresses: a user's save moves it on, but not a
    sign-in (``last_login`` only), which every company and buyer does."""
    from meetings.stamps import planning_stamps

    user = UserFactory()
    before = planning_stamps(edition_id=small.edition.pk)[1]
    user.save(update_fields=["last_login"])
    assert planning_stamps(edition_id=small.edition.pk)[1] == before
    user.email = "nouvelle.adresse@example.test"
    user.save()
    assert planning_stamps(edition_id=small.edition.pk)[1] != before
