"""Staff planning page and agendas: permissions, content, actions, query counts."""

import pytest
from django.urls import reverse

from buyers.models import BuyerParticipation
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.services import edition_schedule, schedule_publish
from tests.factories import (
    BuyerMembershipFactory,
    BuyerParticipationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    MeetingFactory,
    PlannedContractFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


def _page(client, year):
    response = client.get(reverse("meetings:planning", args=[year]))
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    return response, content


def test_planning_page_is_for_staff_only(client, small):
    url = reverse("meetings:planning", args=[small.edition.year])
    assert client.get(url).status_code == 302  # to the login page
    company_user = CompanyMembershipFactory(company=small.companies[0]).user
    client.force_login(company_user)
    assert client.get(url).status_code == 403
    assert client.post(url + "action/", {"action": "schedule"}).status_code == 403


def test_planning_page_shows_grid_metrics_and_loads_details_and_waiting_apart(staff_client, small):
    edition_schedule(edition=small.edition)
    meeting = Meeting.objects.first()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    response, content = _page(staff_client, small.edition.year)
    assert response.status_code == 200
    assert '<th scope="col">' in content and '<th scope="row">' in content
    other = Meeting.objects.exclude(pk=meeting.pk).first()
    assert str(other.company) in content and f'id="rdv-{other.pk}"' in content
    assert f'id="rdv-{meeting.pk}"' not in content
    from django.utils.html import escape

    from meetings.reasons import meetings_reason_lines

    line = meetings_reason_lines([other], audience="staff")[other.pk][0]
    assert escape(line.text) not in content  # reasons load with the cell's details
    assert "des créneaux des acheteurs remplis" in content
    assert "créneaux creux" in content and "objectif actuel" in content
    assert 'id="planning-live"' in content and 'aria-live="polite"' in content
    detail_url = reverse("meetings:planning_meeting", args=[small.edition.year, other.pk])
    assert f'hx-get="{detail_url}"' in content
    fragment = staff_client.get(detail_url, headers={"HX-Request": "true"}).content.decode()
    assert escape(line.text) in fragment and "Déplacer vers" in fragment
    assert "<html" not in fragment
    page = staff_client.get(detail_url).content.decode()  # without JavaScript: a whole page
    assert "<html" in page and escape(line.text) in page and "Retour à la grille" in page
    cancelled_url = reverse("meetings:planning_meeting", args=[small.edition.year, meeting.pk])
    assert staff_client.get(cancelled_url).status_code == 404
    waiting_url = reverse("meetings:planning_waiting", args=[small.edition.year])
    waiting = staff_client.get(waiting_url, headers={"HX-Request": "true"}).content.decode()
    assert str(meeting.company) in waiting and "Ajouter ce rendez-vous" in waiting
    add_url = reverse("meetings:planning_add", args=[small.edition.year])
    assert f"{add_url}?acheteur=" in content  # a free cell links to the add form
    add = staff_client.get(add_url, {"acheteur": small.buyers[1].pk, "creneau": 2})
    add = add.content.decode()
    assert f'<option value="{small.buyers[1].pk}" selected>' in add
    assert f'<option value="2" selected>{small.edition.slots[2].label}</option>' in add


def test_planning_pages_are_for_staff_only(client, small):
    edition_schedule(edition=small.edition)
    meeting = Meeting.objects.first()
    year = small.edition.year
    client.force_login(CompanyMembershipFactory(company=small.companies[0]).user)
    for url in (
        reverse("meetings:planning_meeting", args=[year, meeting.pk]),
        reverse("meetings:planning_waiting", args=[year]),
        reverse("meetings:planning_add", args=[year]),
        reverse("meetings:planning_run", args=[year]),
    ):
        assert client.get(url).status_code == 403


@pytest.fixture
def big_edition():
    """30 buyers and 40 retained companies with 3 meetings each."""
    CpvCodeFactory(code="45442100")
    edition = EditionFactory(year=2033)
    for _ in range(30):
        participation = BuyerParticipationFactory(edition=edition)
        PlannedContractFactory(
            organisation=participation.organisation, year=2033, cpv_main_id="45442100"
        )
    for _ in range(40):
        company = CompanyFactory()
        company.cpv_codes.add("45442100")
        RegistrationFactory(edition=edition, company=company, retained=True)
    edition_schedule(edition=edition)
    assert Meeting.objects.count() == 40 * 3
    return edition


def test_planning_page_query_count_does_not_grow_with_size(
    staff_client, big_edition, django_assert_num_queries
):
    # cold: session, user, roles, edition, last run, published check, metrics (5), rows (count,
    # page, their meetings), changes: the same whatever the number of buyers and meetings
    with django_assert_num_queries(15):
        _response, content = _page(staff_client, 2033)
    assert content.count('<th scope="row">') == 25  # one page of buyers
    assert "Page 2" in content
    # another page: the edition, the lead, the figures, the log (last run, changes) and the
    # roles come from the cache
    with django_assert_num_queries(5):
        response = staff_client.get(reverse("meetings:planning", args=[2033]), {"page": 2})
    assert response.content.decode().count('<th scope="row">') == 5
    # warm: session, user; the whole page comes from the cache
    with django_assert_num_queries(2):
        _response, warm = _page(staff_client, 2033)
    assert warm.count('<th scope="row">') == 25
    meeting = Meeting.objects.filter(edition=big_edition).first()
    url = reverse("meetings:planning_meeting", args=[2033, meeting.pk])
    with django_assert_num_queries(7):  # + the contracts its reasons name
        staff_client.get(url, headers={"HX-Request": "true"})


def test_planning_filter_by_buyer_name(staff_client, big_edition):
    participation = BuyerParticipation.objects.filter(edition=big_edition).last()
    name = participation.organisation.name
    response = staff_client.get(reverse("meetings:planning", args=[2033]), {"q": name})
    content = response.content.decode()
    assert content.count('<th scope="row">') == 1 and name in content
    response = staff_client.get(reverse("meetings:planning", args=[2033]), {"q": "zzzz"})
    assert "Aucun acheteur ne correspond" in response.content.decode()


def test_planning_action_move_conflict_shows_french_message(staff_client, small):
    edition_schedule(edition=small.edition)
    first, second = list(Meeting.objects.filter(buyer=small.buyers[2]).order_by("slot"))[:2]
    url = reverse("meetings:planning_action", args=[small.edition.year])
    response = staff_client.post(
        url, {"action": "move", "meeting": first.pk, "slot": second.slot}, follow=True
    )
    content = response.content.decode()
    assert f"est déjà pris pour {small.buyers[2].name}" in content
    # without JavaScript, back to the grid showing only that buyer's row, message on top
    assert response.redirect_chain[-1][0].endswith(
        f"?acheteur={small.buyers[2].pk}#acheteur-{small.buyers[2].pk}"
    )
    assert content.count('<th scope="row">') == 1
    assert Meeting.objects.get(pk=first.pk).slot == first.slot
    response = staff_client.post(url, {"action": "move", "meeting": first.pk, "slot": "x"})
    assert response.status_code == 302


def _htmx_post(client, year, data):
    url = reverse("meetings:planning_action", args=[year])
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def _free_slot(edition, buyer):
    taken = set(
        Meeting.objects.filter(buyer=buyer)
        .exclude(status="cancelled")
        .values_list("slot", flat=True)
    )
    return min(set(range(edition.slot_count)) - taken)


def test_htmx_move_redraws_only_the_buyers_row_with_its_message(
    staff_client, small, django_assert_num_queries
):
    edition_schedule(edition=small.edition)
    buyer = small.buyers[2]
    first, second = list(Meeting.objects.filter(buyer=buyer).order_by("slot"))[:2]
    free = _free_slot(small.edition, buyer)
    with django_assert_num_queries(15):
        content = _htmx_post(
            staff_client, small.edition.year, {"action": "move", "meeting": first.pk, "slot": free}
        )
    assert "<html" not in content
    assert (
        content.count("<tr ") == 1
        and f'<tr id="acheteur-{buyer.pk}" hx-swap-oob="true">' in content
    )
    assert 'id="planning-live" hx-swap-oob="innerHTML"' in content
    cell = content.split(f'id="rdv-{first.pk}"')[1].split("</td>")[0]
    assert "Rendez-vous déplacé." in cell and "cell-message-success" in cell
    assert Meeting.objects.get(pk=first.pk).slot == free

    # refused: nothing changes, the message sits in the meeting's cell and in the live region
    content = _htmx_post(
        staff_client,
        small.edition.year,
        {"action": "move", "meeting": first.pk, "slot": second.slot},
    )
    cell = content.split(f'id="rdv-{first.pk}"')[1].split("</td>")[0]
    assert "est déjà pris pour" in cell and "cell-message-error" in cell
    live = content.split('id="planning-live"')[1]
    assert "message-error" in live and "est déjà pris pour" in live
    assert Meeting.objects.get(pk=first.pk).slot == free


def test_htmx_swap_lock_and_cancel_answer_with_the_row(staff_client, small):
    edition_schedule(edition=small.edition)
    buyer = small.buyers[2]
    first, second = list(Meeting.objects.filter(buyer=buyer).order_by("slot"))[:2]
    year = small.edition.year
    content = _htmx_post(
        staff_client, year, {"action": "swap", "meeting": first.pk, "other": second.pk}
    )
    assert "Rendez-vous échangés." in content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.slot > second.slot
    content = _htmx_post(staff_client, year, {"action": "unlock", "meeting": first.pk})
    assert "Rendez-vous déverrouillé." in content
    content = _htmx_post(staff_client, year, {"action": "cancel", "meeting": first.pk})
    freed = content.split(f'id="creneau-{buyer.pk}-{first.slot}"')[1].split("</td>")[0]
    assert "Rendez-vous annulé" in freed and "libre" in freed
    assert Meeting.objects.get(pk=first.pk).status == MeetingStatus.CANCELLED


def test_planning_actions_schedule_and_publish(
    staff_client, small, django_capture_on_commit_callbacks
):
    url = reverse("meetings:planning_action", args=[small.edition.year])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "schedule"}, follow=True)
    assert "Calcul du planning lancé" in response.content.decode()
    assert Meeting.objects.filter(status=MeetingStatus.DRAFT).exists()
    response = staff_client.post(url, {"action": "publish"}, follow=True)
    assert "Planning publié" in response.content.decode()
    assert not Meeting.objects.filter(status=MeetingStatus.DRAFT).exists()


# --------------------------------------------------------------------------- agendas


def test_agenda_says_not_published_before_publication(client, small):
    edition_schedule(edition=small.edition)
    client.force_login(CompanyMembershipFactory(company=small.companies[0]).user)
    content = client.get(reverse("meetings:my_agenda")).content.decode()
    assert "pas encore publié" in content
    assert str(small.buyers[0].name) not in content


def test_company_sees_only_its_own_agenda(client, small):
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    mine, theirs = small.companies[0], small.companies[2]
    # Names of their own: Faker's ("Martin", "Martin et Fils") may hold one another.
    theirs.legal_name, theirs.trade_name = "Entreprise Voisine Zéphyr", ""
    theirs.save()
    client.force_login(CompanyMembershipFactory(company=mine).user)
    response = client.get(reverse("meetings:my_agenda"))
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    own = Meeting.objects.filter(company=mine).select_related("buyer")
    assert own and all(m.buyer.name in content for m in own)
    contract = small.contracts[0]  # the painting contract, matching this company's CPV code
    assert contract.reference in content and "€ HT" in content and "2e trimestre" in content
    assert str(theirs) not in content
    other_buyers = Meeting.objects.filter(company=theirs).exclude(buyer__in=own.values("buyer"))
    assert all(m.buyer.name not in content for m in other_buyers)


def test_buyer_sees_its_meetings_with_company_profile(client, small):
    edition_schedule(edition=small.edition)
    schedule_publish(edition=small.edition)
    buyer = small.buyers[1]
    client.force_login(BuyerMembershipFactory(organisation=buyer).user)
    content = client.get(reverse("meetings:my_agenda")).content.decode()
    for meeting in Meeting.objects.filter(buyer=buyer).select_related("company"):
        assert str(meeting.company) in content and meeting.company.contact_email in content
    for meeting in Meeting.objects.exclude(buyer=buyer).select_related("company"):
        if not Meeting.objects.filter(buyer=buyer, company=meeting.company).exists():
            assert meeting.company.contact_email not in content


def test_agenda_refused_to_users_without_organisation(client, small):
    client.force_login(UserFactory(role="company"))
    assert client.get(reverse("meetings:my_agenda")).status_code == 403
    client.force_login(UserFactory(role="official"))
    assert client.get(reverse("meetings:my_agenda")).status_code == 403


def test_agenda_query_count_is_bounded(client, small, django_assert_max_num_queries):
    edition = small.edition
    company = small.companies[0]
    for slot, buyer in enumerate(small.buyers):
        MeetingFactory(
            edition=edition,
            buyer=buyer,
            company=company,
            slot=slot,
            status=MeetingStatus.PUBLISHED,
        )
    client.force_login(CompanyMembershipFactory(company=company).user)
    with django_assert_max_num_queries(12):
        content = client.get(reverse("meetings:my_agenda")).content.decode()
    assert all(b.name in content for b in small.buyers)


def test_schedule_progress_is_polled_while_running_then_reloads_the_page(staff_client, small):
    from meetings.enums import ScheduleRunStatus
    from meetings.models import ScheduleRun
    from meetings.stamps import grid_bump

    year = small.edition.year
    run = ScheduleRun.objects.create(
        edition=small.edition, status=ScheduleRunStatus.RUNNING, progress=40
    )
    _response, content = _page(staff_client, year)
    url = reverse("meetings:planning_run", args=[year])
    assert f'hx-get="{url}" hx-trigger="every 2s"' in content
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in content
    assert "data-submit-once" in content
    response = staff_client.get(url, headers={"HX-Request": "true"})
    assert 'value="40"' in response.content.decode() and "HX-Refresh" not in response
    # the end of the run, as ``schedule_run_execute`` writes it (an update, then the bump)
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRunStatus.DONE, progress=100)
    grid_bump(edition_id=small.edition.pk)
    response = staff_client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true" and "every 2s" not in response.content.decode()
    _response, content = _page(staff_client, year)
    assert "every 2s" not in content and "http-equiv" not in content
