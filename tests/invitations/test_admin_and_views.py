"""Staff pages (send, follow, preview) and participants' downloads (their own documents only)."""

import icalendar
import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from ellipse.accounts.roles import Role
from ellipse.core.jobs import job_advance, job_begin, job_create, job_finish
from ellipse.core.models import BackgroundJob
from ellipse.outbox.enums import EmailStatus
from ellipse.outbox.models import OutgoingEmail
from meetings.invitations.selectors import invitation_recipients
from meetings.models import Meeting
from tests.factories import CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role=Role.STAFF))
    return client


def test_staff_sends_invitations_and_follows_the_batch(
    staff_client, schedule, django_capture_on_commit_callbacks
):
    edition, _b, _c = schedule
    page = staff_client.get(reverse("admin:invitations_send"))
    assert page.status_code == 200 and "Envoyer les invitations 2031" in page.content.decode()
    expected = len(invitation_recipients(edition=edition)[0])
    confirm = staff_client.post(
        reverse("admin:invitations_send"), {"edition": edition.pk, "action": "send"}
    )
    assert f"{expected} e-mails vont partir : confirmer ?" in confirm.content.decode()
    assert not OutgoingEmail.objects.exists() and not BackgroundJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:invitations_send"),
            {"edition": edition.pk, "action": "send", "run": "yes"},
        )
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == "done" and job.done == job.total == expected and not job.failures
    page = staff_client.get(response["Location"]).content.decode()
    assert f"{expected} invitation(s) envoyée(s)." in page
    total = OutgoingEmail.objects.filter(batch="invitations-2031").count()
    assert total == len(mail.outbox) > 0
    data = staff_client.get(reverse("admin:outbox_batches_json")).json()
    row = next(b for b in data["batches"] if b["batch"] == "invitations-2031")
    assert row["sent"] == total and row["pending"] == 0 and row["done"]
    assert "invitations-2031" in staff_client.get(reverse("admin:outbox_batches")).content.decode()
    changelist = staff_client.get(
        reverse("admin:outbox_outgoingemail_changelist"), {"batch": "invitations-2031"}
    )
    assert changelist.status_code == 200
    # Resend refused without the confirmation box.
    refused = staff_client.post(
        reverse("admin:invitations_send"),
        {"edition": edition.pk, "action": "resend"},
        follow=True,
    )
    assert "cochez la case" in refused.content.decode()
    assert OutgoingEmail.objects.count() == total


def test_sending_before_publication_shows_a_french_error(staff_client, schedule):
    edition, _b, _c = schedule
    edition.status = "registration_closed"
    edition.save()
    Meeting.objects.update(status="draft")  # a schedule computed but not published
    response = staff_client.post(
        reverse("admin:invitations_send"), {"edition": edition.pk, "action": "send"}, follow=True
    )
    assert "Publiez le planning" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    "template", ["invitations/invitation", "invitations/reminder", "invitations/schedule_change"]
)
def test_preview_renders_each_template_with_real_data(staff_client, schedule, template):
    _edition, buyers, _c = schedule
    response = staff_client.get(
        reverse("admin:outbox_preview"), {"template": template, "ref": f"buyer:{buyers[0].pk}"}
    )
    content = response.content.decode()
    met = Meeting.objects.filter(buyer=buyers[0]).select_related("company").first().company
    assert response.status_code == 200
    assert "preview-subject" in content and str(met) in content
    assert "INVALID_TEMPLATE_VARIABLE" not in content


def test_preview_of_unknown_reference_says_so(staff_client, schedule):
    response = staff_client.get(
        reverse("admin:outbox_preview"),
        {"template": "invitations/invitation", "ref": "company:999999"},
    )
    assert "Aucun destinataire" in response.content.decode()


def test_each_company_downloads_only_its_own_agenda(client, schedule):
    edition, _buyers, companies = schedule
    met = [c for c in companies if Meeting.objects.filter(company=c).exists()]
    mine, other = met[0], met[1]
    user = CompanyMembershipFactory(company=mine).user
    client.force_login(user)
    pdf = client.get(reverse("invitations:agenda_pdf", args=[edition.year]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=b"".join(pdf.streaming_content), capture_output=True
    ).stdout.decode()
    assert str(mine) in text and str(other) not in text
    ics = client.get(reverse("invitations:agenda_ics", args=[edition.year]))
    calendar = icalendar.Calendar.from_ical(b"".join(ics.streaming_content))
    assert len(calendar.walk("VEVENT")) == Meeting.objects.filter(company=mine).count()
    # The booklet is for staff only.
    assert client.get(reverse("invitations:booklet_pdf", args=[edition.year])).status_code == 403


def test_downloads_need_an_organisation(client, schedule):
    edition, _b, _c = schedule
    client.force_login(UserFactory(role=Role.COMPANY))
    assert client.get(reverse("invitations:agenda_pdf", args=[edition.year])).status_code == 403
    client.logout()
    response = client.get(reverse("invitations:agenda_ics", args=[edition.year]))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_buyer_space_shows_invitation_sent_and_links(
    client, schedule, django_capture_on_commit_callbacks
):
    from meetings.invitations.selectors import space_invitation_status
    from meetings.invitations.services import invitations_send

    edition, buyers, _c = schedule
    user = buyers[0].memberships.get().user
    status = space_invitation_status(user=user)
    assert status["sent_at"] is None and status["meetings"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(edition=edition)
    status = space_invitation_status(user=user)
    assert status["sent_at"] is not None
    assert OutgoingEmail.objects.filter(to=user.email, status=EmailStatus.SENT).count() == 1
    from django.template import Context, Template

    html = Template("{% load invitations %}{% invitation_block user %}").render(
        Context({"user": user})
    )
    assert "Invitation envoyée le" in html and "agenda.pdf" in html and "rendez-vous.ics" in html


def test_space_invitation_status_follows_the_meetings_with_the_cache_warm(schedule):
    from meetings.invitations.selectors import space_invitation_status
    from meetings.services import meeting_cancel

    edition, buyers, _c = schedule
    user = buyers[0].memberships.get().user
    assert space_invitation_status(user=user)["meetings"] == 3  # now cached
    Meeting.objects.filter(buyer=buyers[0]).first().delete()  # a signal
    assert space_invitation_status(user=user)["meetings"] == 2
    meeting = Meeting.objects.filter(buyer=buyers[0]).first()
    meeting_cancel(meeting_id=meeting.pk)  # the staff's cancellation (the service writes)
    assert space_invitation_status(user=user)["meetings"] == 1
    edition.title = "Convention renommée"
    edition.save()
    assert space_invitation_status(user=user)["edition"]["title"] == "Convention renommée"


def test_a_second_start_never_runs_a_second_batch(
    staff_client, schedule, django_capture_on_commit_callbacks
):
    edition, _b, _c = schedule
    running = job_create(kind="invitations", key=f"invitations-{edition.year}", label="En cours")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:invitations_send"),
            {"edition": edition.pk, "action": "send", "run": "yes"},
        )
    assert response["Location"] == reverse("core:job", args=[running.pk])
    assert BackgroundJob.objects.count() == 1 and not OutgoingEmail.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # the guard is in the database
        BackgroundJob.objects.create(kind="x", key=running.key, label="doublon")
    # The same task delivered twice: the second delivery does nothing.
    from meetings.invitations.tasks import invitations_send_job

    assert invitations_send_job(job_id=running.pk, edition_id=edition.pk) == "done"
    sent = OutgoingEmail.objects.count()
    assert invitations_send_job(job_id=running.pk, edition_id=edition.pk) == "already started"
    assert OutgoingEmail.objects.count() == sent > 0


def test_job_page_refreshes_until_done_and_only_for_its_owner(client, staff_client, schedule):
    job = job_create(kind="invitations", key="invitations-x", label="Envoi des invitations x")
    page = staff_client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "data-refresh-url" in page
    assert "job-progress.js" in page
    job_begin(job_id=job.pk, total=3)
    job_advance(job_id=job.pk, failure="anne@exemple.fr : refusé")
    fragment = staff_client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "1 sur 3" in fragment
    job_finish(job_id=job.pk, result={"lines": ["3 invitation(s) envoyée(s)."]})
    page = staff_client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "data-refresh-url" not in page
    assert "3 invitation(s) envoyée(s)." in page and "anne@exemple.fr : refusé" in page
    client.force_login(UserFactory(role="company"))
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 403
