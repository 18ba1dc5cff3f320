"""What came of each meeting: signed links, one answer per side, e-mails, reminders, staff view."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ellipse.outbox.models import OutgoingEmail
from meetings.enums import MeetingStatus
from spaser.sourcing.enums import Side
from spaser.sourcing.models import MeetingOutcome, OutcomeRequest
from spaser.sourcing.outcome_links import (
    SALT,
    OutcomeLink,
    OutcomeLinkError,
    outcome_link_read,
    outcome_token,
)
from spaser.sourcing.outcome_rules import sides_disagree
from spaser.sourcing.services import (
    OutcomeAnswer,
    outcome_answers_save,
    outcome_reminders_send_due,
    outcome_requests_send,
)
from tests.factories.buyers import BuyerMembershipFactory
from tests.factories.companies import CompanyMembershipFactory
from tests.factories.editions import EditionFactory
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(year=2026, date=timezone.localdate() - dt.timedelta(days=2), closed=True)


@pytest.fixture
def meeting(edition):
    return MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED, slot=0)


def company_url(meeting) -> str:
    token = outcome_token(
        edition_id=meeting.edition_id, side=Side.COMPANY, party_id=meeting.company_id
    )
    return reverse("sourcing:outcome_answer", args=[token])


def buyer_url(meeting) -> str:
    token = outcome_token(edition_id=meeting.edition_id, side=Side.BUYER, party_id=meeting.buyer_id)
    return reverse("sourcing:outcome_answer", args=[token])


def post(meeting, **fields) -> dict:
    return {f"rdv{meeting.pk}-{k}": v for k, v in fields.items()}


def test_company_answers_without_login_and_can_change_its_answer(client, meeting):
    url = company_url(meeting)
    page = client.get(url)
    assert page.status_code == 200
    assert meeting.buyer.name in page.content.decode()
    response = client.post(url, post(meeting, status="follow_up", follow_ups=["quote", "visit"]))
    assert response.status_code == 302
    outcome = MeetingOutcome.objects.get(meeting=meeting, side=Side.COMPANY)
    assert outcome.follow_ups == ["quote", "visit"]
    client.post(url, post(meeting, status="not_held", absence="buyer", comment="Table vide"))
    outcome = MeetingOutcome.objects.get(meeting=meeting, side=Side.COMPANY)
    assert (outcome.status, outcome.absence, outcome.follow_ups) == ("not_held", "buyer", [])
    assert MeetingOutcome.objects.count() == 1
    page = client.get(url)
    assert page.context["forms"][0].initial["status"] == "not_held"
    assert "Table vide" in page.content.decode()


def test_follow_up_needs_its_kind(client, meeting):
    response = client.post(company_url(meeting), post(meeting, status="follow_up"))
    assert response.status_code == 400
    assert "Précisez la suite prévue" in response.content.decode()
    assert not MeetingOutcome.objects.exists()


def test_each_side_answers_once_per_meeting(client, meeting):
    client.post(company_url(meeting), post(meeting, status="held"))
    client.post(buyer_url(meeting), post(meeting, status="no_interest"))
    assert set(MeetingOutcome.objects.values_list("side", "status")) == {
        ("company", "held"),
        ("buyer", "no_interest"),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingOutcome.objects.create(meeting=meeting, side=Side.BUYER, status="held")


def test_tampered_link_is_refused(client, meeting):
    url = company_url(meeting)
    response = client.get(url[:-3] + "abc/")
    assert response.status_code == 410
    assert "pas valide" in response.content.decode()


def test_expired_link_is_refused(client, meeting):
    class LastMonth(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 31 * 86400)

    token = LastMonth(salt=SALT).sign_object(
        {"e": meeting.edition_id, "s": "company", "p": meeting.company_id}, compress=True
    )
    with pytest.raises(OutcomeLinkError, match="expiré"):
        outcome_link_read(token)
    response = client.get(reverse("sourcing:outcome_answer", args=[token]))
    assert response.status_code == 410


def test_link_cannot_answer_for_the_other_side_or_another_meeting(client, meeting, edition):
    other = MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED, slot=1)
    company_link = OutcomeLink(edition.pk, Side.COMPANY, meeting.company_id)
    with pytest.raises(ValidationError, match="ne fait pas partie"):
        outcome_answers_save(link=company_link, answers=[OutcomeAnswer(other.pk, "held")])
    # Posting the other meeting's fields through the company's page changes nothing there.
    client.post(
        company_url(meeting), {**post(other, status="held"), **post(meeting, status="held")}
    )
    assert list(MeetingOutcome.objects.values_list("meeting_id", "side")) == [
        (meeting.pk, "company")
    ]
    # The company's link records the company's side only, never the buyer's.
    assert not MeetingOutcome.objects.filter(side=Side.BUYER).exists()


def test_answers_closed_after_the_window(meeting, edition, settings):
    link = OutcomeLink(edition.pk, Side.COMPANY, meeting.company_id)
    late = edition.date + dt.timedelta(days=settings.SOURCING_OUTCOME_EDIT_DAYS + 1)
    with pytest.raises(ValidationError, match="délai"):
        outcome_answers_save(link=link, answers=[OutcomeAnswer(meeting.pk, "held")], today=late)


def test_absence_only_when_not_held(meeting, edition):
    link = OutcomeLink(edition.pk, Side.BUYER, meeting.buyer_id)
    with pytest.raises(ValidationError, match="absence"):
        outcome_answers_save(
            link=link, answers=[OutcomeAnswer(meeting.pk, "held", absence="company")]
        )


def test_requests_go_through_the_outbox_once_per_contact(meeting, edition):
    CompanyMembershipFactory(company=meeting.company, user__email="membre@entreprise.fr")
    BuyerMembershipFactory(organisation=meeting.buyer, user__email="agent@ville.fr")
    MeetingFactory(edition=edition, status=MeetingStatus.DRAFT, slot=3)  # never announced
    assert outcome_requests_send(edition=edition) == 3
    assert outcome_requests_send(edition=edition) == 0
    emails = OutgoingEmail.objects.filter(template="sourcing/outcome_request")
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        [meeting.company.contact_email, "membre@entreprise.fr", "agent@ville.fr"]
    )
    agent = emails.get(to="agent@ville.fr")
    assert "/suites-des-rendez-vous/" in agent.context["url"]
    link = outcome_link_read(agent.context["url"].rstrip("/").rsplit("/", 1)[1])
    assert (link.side, link.party_id) == (Side.BUYER, meeting.buyer_id)


def test_requests_refused_before_the_convention(meeting):
    future = EditionFactory(year=2099)
    with pytest.raises(ValidationError, match="après la convention"):
        outcome_requests_send(edition=future)


def test_reminder_after_a_week_only_to_sides_still_silent(meeting, edition):
    BuyerMembershipFactory(organisation=meeting.buyer, user__email="agent@ville.fr")
    sent = timezone.now() - dt.timedelta(days=1)
    outcome_requests_send(edition=edition, now=sent)
    MeetingOutcome.objects.create(meeting=meeting, side=Side.COMPANY, status="held")
    assert outcome_reminders_send_due() == 0  # not a week yet
    assert outcome_reminders_send_due(now=sent + dt.timedelta(days=7)) == 1
    reminder = OutgoingEmail.objects.get(batch__endswith="-reminder")
    assert reminder.to == "agent@ville.fr"
    assert reminder.context["reminder"] is True
    assert outcome_reminders_send_due(now=sent + dt.timedelta(days=8)) == 0
    assert OutcomeRequest.objects.filter(reminded_at__isnull=True).count() == 0


def test_sides_disagree_rules():
    assert sides_disagree("not_held", "held")
    assert sides_disagree("follow_up", "no_interest")
    assert not sides_disagree("follow_up", "held")
    assert not sides_disagree("not_held", "not_held")
    assert not sides_disagree("held", None)


def test_staff_overview_rate_disagreements_and_export(client, staff, meeting, edition):
    second = MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED, slot=1)
    MeetingOutcome.objects.create(
        meeting=meeting, side=Side.COMPANY, status="not_held", absence="buyer"
    )
    MeetingOutcome.objects.create(meeting=meeting, side=Side.BUYER, status="held")
    MeetingOutcome.objects.create(
        meeting=second, side=Side.BUYER, status="follow_up", follow_ups=["documents"]
    )
    client.force_login(staff)
    response = client.get(reverse("sourcing:outcomes"), {"edition": edition.pk})
    overview = response.context["overview"]
    assert overview.meetings == 2
    assert overview.response_rate == 75.0
    assert overview.disagreements == 1
    assert "Documents envoyés" in response.content.decode()
    only = client.get(reverse("sourcing:outcomes"), {"edition": edition.pk, "desaccords": "on"})
    assert [r.meeting for r in only.context["overview"].rows] == [meeting]
    by_buyer = client.get(
        reverse("sourcing:outcomes"), {"edition": edition.pk, "acheteur": second.buyer_id}
    )
    assert [r.meeting for r in by_buyer.context["overview"].rows] == [second]
    export = client.get(reverse("sourcing:outcomes_csv"), {"edition": edition.pk})
    text = export.content.decode("utf-8-sig")
    assert text.count("\r\n") == 3
    assert "L'acheteur était absent" in text


def test_staff_overview_refused_to_buyers(client, buyer):
    client.force_login(buyer)
    assert client.get(reverse("sourcing:outcomes")).status_code == 403


def test_staff_button_queues_the_requests(
    client, staff, meeting, edition, django_capture_on_commit_callbacks
):
    BuyerMembershipFactory(organisation=meeting.buyer, user__email="agent@ville.fr")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reverse('sourcing:outcomes')}?edition={edition.pk}")
    assert response.status_code == 302
    sent = OutgoingEmail.objects.filter(template="sourcing/outcome_request")
    assert sorted(sent.values_list("to", flat=True)) == sorted(
        [meeting.company.contact_email, "agent@ville.fr"]
    )


def test_staff_overview_queries_do_not_grow_with_meetings(
    client, staff, edition, django_assert_max_num_queries
):
    for slot in range(12):
        meeting = MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED, slot=slot)
        MeetingOutcome.objects.create(meeting=meeting, side=Side.COMPANY, status="held")
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sourcing:outcomes"), {"edition": edition.pk})
    assert response.context["overview"].meetings == 12


def test_answer_page_queries_do_not_grow_with_meetings(
    client, edition, django_assert_max_num_queries
):
    first = MeetingFactory(edition=edition, status=MeetingStatus.PUBLISHED, slot=0)
    for slot in range(1, 9):
        MeetingFactory(
            edition=edition, status=MeetingStatus.PUBLISHED, slot=slot, company=first.company
        )
    with django_assert_max_num_queries(4):
        response = client.get(company_url(first))
    assert len(response.context["forms"]) == 9
