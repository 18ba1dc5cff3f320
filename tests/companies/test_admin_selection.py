"""The staff's admin pages: list (filters, query count), actions, status page, call queue,
score threshold, buyers without a company, and who may reach them."""

import datetime as dt
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from companies.enums import CallOutcome, RegistrationStatus
from companies.models import CallLog, Registration
from ellipse.outbox.models import OutgoingEmail
from tests.factories.accounts import UserFactory
from tests.factories.buyers import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)
from tests.factories.companies import (
    CallLogFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    RegistrationFactory,
    WishFactory,
)
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:companies_registration_changelist"


@pytest.fixture
def staff():
    return UserFactory(role="staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def edition():
    return EditionFactory(year=2032)


def _company(*codes, **kwargs):
    company = CompanyFactory(**kwargs)
    company.cpv_codes.add(*[CpvCodeFactory(code=c) for c in codes])
    return company


def _populate(edition, n):
    buyer = BuyerOrganisationFactory()
    for index in range(n):
        registration = RegistrationFactory(
            edition=edition,
            company=_company("45442100" if index % 2 else "77310000"),
            status=[RegistrationStatus.REGISTERED, RegistrationStatus.TO_CALL][index % 2],
            match_score=index % 3 * 0.5,
        )
        WishFactory(registration=registration, organisation=buyer)
        CallLogFactory(registration=registration)
        CallLogFactory(registration=registration, call_back=True)


def test_changelist_query_count_is_constant(
    staff_client, edition, django_assert_max_num_queries, monkeypatch
):
    from companies.admin.registrations import RegistrationAdmin

    monkeypatch.setattr(RegistrationAdmin, "list_per_page", 5)  # several pages either way
    _populate(edition, 10)
    staff_client.get(reverse("admin:index"))  # the roles cached, as on any later page
    with django_assert_max_num_queries(30) as small:
        response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    _populate(edition, 60)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    content = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    assert "À rappeler" in content
    for link in ("callqueueentry/", "retenir-au-dessus-du-seuil/", "acheteurs-sans-entreprise/"):
        assert link in content
    assert reverse("admin:companies_registration_export") in content


def test_changelist_filters_each_return_the_right_rows(staff_client, edition):
    painter = RegistrationFactory(edition=edition, company=_company("45442100"), to_call=True)
    gardener = RegistrationFactory(
        edition=edition, company=_company("77310000", outside=True), qualified=True
    )
    WishFactory(registration=painter)
    CallLogFactory(registration=gardener, outcome=CallOutcome.WRONG_NUMBER)

    def names(query):
        response = staff_client.get(reverse(CHANGELIST) + query)
        assert response.status_code == 200, query
        return {r.pk for r in response.context["cl"].result_list}

    assert names("?cpv_division=45") == {painter.pk}
    assert names("?has_wishes=yes") == {painter.pk}
    assert names("?has_wishes=no") == {gardener.pk}
    assert names("?last_call=wrong_number") == {gardener.pk}
    assert names("?last_call=never") == {painter.pk}
    assert names("?company__is_local__exact=0") == {gardener.pk}
    assert names("?status__exact=qualified") == {gardener.pk}
    assert names("?company__size_class__exact=micro") == {painter.pk, gardener.pk}
    assert names(f"?q={painter.company.siret}") == {painter.pk}


def _job(response):
    """The background job a confirmed decision redirected to."""
    from ellipse.core.models import BackgroundJob

    assert response.status_code == 302, response.status_code
    job = BackgroundJob.objects.get()
    assert response.url == reverse("core:job", args=[job.pk])
    return job


def test_action_retain_bulk_lists_refusals_first_then_decides_the_others(
    staff_client, edition, django_capture_on_commit_callbacks
):
    ok = RegistrationFactory(edition=edition, qualified=True)
    refused = RegistrationFactory(edition=edition)
    data = {"action": "retain", ACTION_CHECKBOX_NAME: [ok.pk, refused.pk]}
    page = unescape(staff_client.post(reverse(CHANGELIST), data).content.decode())
    assert "1 e-mail de décision va partir" in page
    assert "1 inscription restera inchangée" in page and str(refused.company) in page
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(staff_client.post(reverse(CHANGELIST), {**data, "apply": "1"}))
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    assert len(job.failures) == 1 and str(refused.company) in job.failures[0]
    ok.refresh_from_db()
    refused.refresh_from_db()
    assert (ok.status, refused.status) == ("retained", "registered")
    html = unescape(staff_client.get(reverse("core:job", args=[job.pk])).content.decode())
    assert "1 inscription(s) passée(s) à « Retenue »" in html
    assert "1 refusée(s), inchangée(s)." in html and "1 échec" in html


def test_action_retain_bulk_says_how_many_emails_then_runs_as_a_job(
    staff_client, edition, staff, django_capture_on_commit_callbacks
):
    registrations = RegistrationFactory.create_batch(3, edition=edition, qualified=True)
    data = {"action": "retain", ACTION_CHECKBOX_NAME: [r.pk for r in registrations]}
    page = staff_client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "3 e-mails de décision vont partir" in unescape(page.content.decode())
    assert set(Registration.objects.values_list("status", flat=True)) == {"qualified"}
    assert not OutgoingEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _job(staff_client.post(reverse(CHANGELIST), {**data, "apply": "1"}))
    # Nothing decided inside the request: the task does it.
    assert set(Registration.objects.values_list("status", flat=True)) == {"qualified"}
    assert job.status == "pending" and job.created_by == staff
    running = staff_client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in running
    # A second click on the same confirmation starts no second run.
    again = staff_client.post(reverse(CHANGELIST), {**data, "apply": "1"})
    assert again.url == reverse("core:job", args=[job.pk])
    for callback in callbacks:
        callback()
    assert set(Registration.objects.values_list("status", flat=True)) == {"retained"}
    assert OutgoingEmail.objects.filter(template="companies/decision").count() == 3
    changes = [r.status_changes.get() for r in registrations]
    assert {c.changed_by for c in changes} == {staff}
    job.refresh_from_db()
    assert (job.status, job.done, job.failures) == ("done", 3, [])


def test_action_waiting_list_runs_as_a_job(
    staff_client, edition, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=edition, qualified=True)
    data = {"action": "put_on_waiting_list", ACTION_CHECKBOX_NAME: [registration.pk]}
    assert "1 e-mail de décision va partir" in unescape(
        staff_client.post(reverse(CHANGELIST), data).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(staff_client.post(reverse(CHANGELIST), {**data, "apply": "1"}))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITING_LIST
    assert OutgoingEmail.objects.get().context["status"] == "waiting_list"
    job.refresh_from_db()
    assert job.status == "done"


def test_action_not_retain_asks_a_reason_first(
    staff_client, edition, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(edition=edition, qualified=True)
    data = {"action": "not_retain", ACTION_CHECKBOX_NAME: [registration.pk]}
    page = staff_client.post(reverse(CHANGELIST), data)
    assert page.status_code == 200
    assert "Motif" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED
    # Confirmed without a reason: the page again, nothing changed.
    page = staff_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": ""})
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED
    with django_capture_on_commit_callbacks(execute=True):
        _job(
            staff_client.post(
                reverse(CHANGELIST),
                {**data, "apply": "1", "reason": "Pas de marché correspondant."},
            )
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.NOT_RETAINED
    assert registration.status_reason == "Pas de marché correspondant."
    assert OutgoingEmail.objects.get().context["reason"] == "Pas de marché correspondant."


def test_transition_page_offers_allowed_targets_only(staff_client, edition):
    registration = RegistrationFactory(edition=edition, to_call=True)
    url = reverse("admin:companies_registration_transition", args=[registration.pk])
    page = staff_client.get(url)
    choices = [c[0] for c in page.context["form"].fields["to_status"].choices]
    assert choices == ["qualified", "not_retained"]
    response = staff_client.post(url, {"to_status": "retained"})
    assert response.status_code == 200  # refused by the form
    response = staff_client.post(url, {"to_status": "not_retained", "reason": ""})
    assert "motif est obligatoire" in response.content.decode()
    response = staff_client.post(url, {"to_status": "qualified"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED


def test_change_page_shows_suggestions_and_records_a_call(staff_client, edition, staff):
    contract = PlannedContractFactory(
        year=edition.year, cpv_main=CpvCodeFactory(code="45442100"), reference="PEINT-9"
    )
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    url = reverse("admin:companies_registration_change", args=[registration.pk])
    page = staff_client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "PEINT-9" in content and "même code" in content
    assert str(contract.organisation) in content
    assert "INVALID_TEMPLATE_VARIABLE" not in content
    callback = timezone.localtime() + dt.timedelta(days=1)
    data = {
        "tender_capacity": "",
        "real_interest": "",
        "documents_ready": "",
        "needs": "",
        "wants_cocontracting": "",
        "available_slots": "[]",
        "workshops": "",
        "training_needs": "",
        "accessibility_needs": "",
        "consent_at_0": "",
        "consent_at_1": "",
        "calls-TOTAL_FORMS": "1",
        "calls-INITIAL_FORMS": "0",
        "calls-0-called_at_0": timezone.localdate().strftime("%d/%m/%Y"),
        "calls-0-called_at_1": "10:00:00",
        "calls-0-outcome": "call_back",
        "calls-0-callback_at_0": "",
        "calls-0-callback_at_1": "",
        "calls-0-notes": "Rappeler après 14 h",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "wishes-TOTAL_FORMS": "0",
        "wishes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200  # call back without a time: refused
    assert "quand rappeler" in response.content.decode()
    assert not CallLog.objects.exists()
    data["calls-0-callback_at_0"] = callback.strftime("%d/%m/%Y")
    data["calls-0-callback_at_1"] = "15:00:00"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call = CallLog.objects.get()
    assert call.called_by == staff and call.outcome == "call_back"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.TO_CALL
    # Qualification from the form: the three assessments make it qualified.
    data.update(
        {
            "calls-TOTAL_FORMS": "1",
            "calls-INITIAL_FORMS": "1",
            "calls-0-id": str(call.pk),
            "calls-0-registration": str(registration.pk),
            "tender_capacity": "yes",
            "real_interest": "high",
            "documents_ready": "ready",
            "needs": "Mémoire technique",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.QUALIFIED
    assert registration.qualified_by == staff
    assert CallLog.objects.count() == 1


def test_call_queue_lists_callbacks_due_first(staff_client, edition):
    now = timezone.now()
    first = RegistrationFactory(edition=edition, to_call=True)
    due = RegistrationFactory(edition=edition, to_call=True)
    RegistrationFactory(edition=edition, retained=True)
    Registration.objects.filter(pk=first.pk).update(created_at=now - dt.timedelta(days=5))
    CallLogFactory(registration=due, call_back=True, callback_at=now - dt.timedelta(minutes=5))
    response = staff_client.get(reverse("admin:companies_callqueueentry_changelist"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [due.pk, first.pk]
    assert "à rappeler maintenant" in response.content.decode()
    change = staff_client.get(reverse("admin:companies_callqueueentry_change", args=[due.pk]))
    assert change.url == reverse("admin:companies_registration_change", args=[due.pk])


def test_retain_above_previews_then_retains(
    staff_client, edition, django_capture_on_commit_callbacks
):
    PlannedContractFactory(year=edition.year, cpv_main=CpvCodeFactory(code="45442100"))
    high = RegistrationFactory(edition=edition, company=_company("45442100"), qualified=True)
    low = RegistrationFactory(edition=edition, company=_company("45000000"), qualified=True)
    url = reverse("admin:companies_registration_retain_above")
    preview = staff_client.get(url, {"edition": edition.pk, "threshold": "0.5"})
    assert [r.pk for r in preview.context["candidates"]] == [high.pk]
    high.refresh_from_db()
    assert high.status == RegistrationStatus.QUALIFIED
    bad = staff_client.get(url, {"edition": edition.pk, "threshold": "abc"})
    assert bad.context["candidates"] is None
    with django_capture_on_commit_callbacks(execute=True):
        _job(staff_client.post(url, {"edition": edition.pk, "threshold": "0.5", "apply": "1"}))
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.status, low.status) == ("retained", "qualified")


def test_buyers_gap_page(staff_client, edition):
    orphan = BuyerOrganisationFactory(name="Bailleur sans entreprise")
    PlannedContractFactory(
        year=edition.year, organisation=orphan, cpv_main=CpvCodeFactory(code="77310000")
    )
    response = staff_client.get(
        reverse("admin:companies_registration_buyers_gap"),
        {"edition": edition.pk, "threshold": "0.5"},
    )
    assert response.status_code == 200
    assert "Bailleur sans entreprise" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        CHANGELIST,
        "admin:companies_callqueueentry_changelist",
        "admin:companies_registration_retain_above",
        "admin:companies_registration_buyers_gap",
        "admin:companies_company_changelist",
        "admin:companies_company_export",
    ],
)
def test_company_and_buyer_users_cannot_reach_staff_pages(client, name):
    for user in (CompanyMembershipFactory().user, BuyerMembershipFactory().user):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_company_user_cannot_change_status_through_the_admin(client, edition):
    membership = CompanyMembershipFactory()
    registration = RegistrationFactory(edition=edition, company=membership.company)
    client.force_login(membership.user)
    response = client.post(
        reverse("admin:companies_registration_transition", args=[registration.pk]),
        {"to_status": "qualified"},
    )
    assert response.status_code == 302 and "login" in response.url
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_action_refresh_matches_runs_as_a_job(
    staff_client, edition, django_capture_on_commit_callbacks
):
    PlannedContractFactory(year=edition.year, cpv_main=CpvCodeFactory(code="45442100"))
    registration = RegistrationFactory(edition=edition, company=_company("45442100"))
    assert registration.match_score is None
    data = {"action": "refresh_matches", ACTION_CHECKBOX_NAME: [registration.pk]}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _job(staff_client.post(reverse(CHANGELIST), data))
    registration.refresh_from_db()
    assert registration.match_score is None  # nothing computed inside the request
    assert staff_client.post(reverse(CHANGELIST), data).url == reverse("core:job", args=[job.pk])
    assert len(callbacks) == 1
    callbacks[0]()  # the queued task (eager here; a real worker in production)
    registration.refresh_from_db()
    assert registration.match_score == 1.0 and registration.match_count == 1
    html = unescape(staff_client.get(reverse("core:job", args=[job.pk])).content.decode())
    assert "1 score(s) recalculé(s)." in html


def test_retaining_after_the_schedule_is_published_warns_staff_and_tells_the_company(
    staff_client, client, edition, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ellipse.editions.enums import EditionStatus
    from tests.factories.companies import CompanyMembershipFactory

    edition.status = EditionStatus.SCHEDULE_PUBLISHED
    edition.save()
    member = CompanyMembershipFactory()
    registration = RegistrationFactory(edition=edition, company=member.company, qualified=True)
    data = {"action": "retain", ACTION_CHECKBOX_NAME: [registration.pk]}
    page = unescape(staff_client.post(reverse(CHANGELIST), data).content.decode())
    assert "1 e-mail de décision va partir" in page
    assert "déjà publié" in page and reverse("meetings:planning", args=[edition.year]) in page
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(staff_client.post(reverse(CHANGELIST), {**data, "apply": "1"}))
    done = unescape(staff_client.get(reverse("core:job", args=[job.pk])).content.decode())
    assert "est déjà publié" in done and "complétez le planning" in done
    assert reverse("meetings:planning", args=[edition.year]) in done
    body = mail.outbox[-1].body
    assert "planning des rendez-vous était déjà publié" in body
    assert "Vous recevrez prochainement votre invitation" not in body
    client.force_login(member.user)
    space = unescape(client.get(reverse("companies:space")).content.decode())
    assert "aucun rendez-vous ne vous est attribué" in space
    assert "vous recevrez votre invitation" not in space


def test_retaining_before_publication_keeps_the_usual_wording(
    staff_client, edition, django_capture_on_commit_callbacks
):
    from django.core import mail

    registration = RegistrationFactory(edition=edition, qualified=True)
    data = {"action": "retain", ACTION_CHECKBOX_NAME: [registration.pk], "apply": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        job = _job(staff_client.post(reverse(CHANGELIST), data))
    done = unescape(staff_client.get(reverse("core:job", args=[job.pk])).content.decode())
    assert "1 inscription(s) passée(s) à « Retenue »" in done
    assert "est déjà publié" not in done
    assert "Vous recevrez prochainement votre invitation" in mail.outbox[-1].body
