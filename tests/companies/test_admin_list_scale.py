"""The staff's lists at a region's size: what is cached (CPV divisions of the filter) follows
its inputs through every write path, and the queries do not grow with rows."""

import pytest
import tablib
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buyers.models import CpvCode
from companies.enums import RegistrationStatus
from companies.models import Company, Registration
from companies.resources import CompanyResource
from companies.services.registration import company_register
from tests.companies.registration_helpers import PASSWORD, new_siret
from tests.factories.accounts import UserFactory
from tests.factories.buyers import CpvCodeFactory
from tests.factories.companies import (
    CallLogFactory,
    CompanyFactory,
    RegistrationFactory,
    WishFactory,
)
from tests.factories.editions import EditionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:companies_registration_changelist"
CALL_QUEUE = "admin:companies_callqueueentry_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role="staff"))
    return client


@pytest.fixture
def edition():
    return EditionFactory()


def _divisions(client) -> tuple[list[str], list[str]]:
    """The CPV divisions the filter offers, and the SQL the page ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    specs = response.context["cl"].filter_specs
    spec = next(s for s in specs if getattr(s, "parameter_name", "") == "cpv_division")
    return [value for value, _label in spec.lookup_choices], [q["sql"] for q in ctx]


def _with_codes(edition, *codes):
    company = CompanyFactory()
    company.cpv_codes.add(*[CpvCodeFactory(code=c) for c in codes])
    return RegistrationFactory(edition=edition, company=company)


def test_cpv_divisions_are_cached_until_a_company_changes_its_codes(staff_client, edition):
    CpvCodeFactory(code="45000000", label="Travaux de construction")
    painter = _with_codes(edition, "45442100")
    first, _sql = _divisions(staff_client)
    assert first == ["45"]
    again, sql = _divisions(staff_client)
    assert again == ["45"]
    assert not [q for q in sql if "companies_company_cpv_codes" in q]  # warm: no DISTINCT
    response = staff_client.get(reverse(CHANGELIST))
    assert "45 — Travaux de construction" in response.content.decode()

    # The public registration (the service sets the codes).
    CpvCodeFactory(code="77310000", check_digit="6")
    company_register(
        edition=edition,
        company_data={
            "siret": new_siret("jardins"),
            "legal_name": "Jardins de l'Ourcq",
            "size_class": "micro",
            "ess_status": "none",
            "commune": "Pantin",
            "postal_code": "93500",
            "contact_name": "Léa Martin",
            "contact_email": "",
        },
        cpv_codes=["77310000"],
        email="lea@jardins.fr",
        password=PASSWORD,
    )
    assert _divisions(staff_client)[0] == ["45", "77"]

    # The staff's spreadsheet import (import-export sets the codes row by row).
    CpvCodeFactory(code="90910000", check_digit="9")
    dataset = tablib.Dataset(
        [
            new_siret("nettoyage"),
            "Nettoyage Est",
            "pme",
            "Bondy",
            "Ali Ben",
            "ali@nettoyage.fr",
            "90910000",
        ],
        headers=[
            "siret",
            "legal_name",
            "size_class",
            "commune",
            "contact_name",
            "contact_email",
            "cpv_codes",
        ],
    )
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert _divisions(staff_client)[0] == ["45", "77", "90"]

    # A company's codes changed (its profile), then a company deleted.
    painter.company.cpv_codes.set([CpvCodeFactory(code="90910000", check_digit="9")])
    assert _divisions(staff_client)[0] == ["77", "90"]
    Company.objects.get(legal_name="Jardins de l'Ourcq").delete()
    assert _divisions(staff_client)[0] == ["90"]


def test_cpv_division_label_follows_the_nomenclature(staff_client, edition):
    """The nomenclature is imported in bulk (no signal): its labels are never cached."""
    CpvCodeFactory(code="45000000", label="Travaux")
    _with_codes(edition, "45442100")
    assert "45 — Travaux" in staff_client.get(reverse(CHANGELIST)).content.decode()
    CpvCode.objects.filter(code="45000000").update(label="Travaux de construction")
    assert "45 — Travaux de construction" in staff_client.get(reverse(CHANGELIST)).content.decode()


def test_action_checkbox_is_djangos_markup(edition):
    registration = RegistrationFactory(
        edition=edition, company=CompanyFactory(legal_name='Bâtiment & "Fils" <SARL>')
    )
    model_admin = admin.site._registry[Registration]
    assert model_admin.action_checkbox(registration) == admin.ModelAdmin.action_checkbox(
        model_admin, registration
    )


def _populate(edition, n):
    for index in range(n):
        registration = _with_codes(edition, "45442100" if index % 2 else "77310000")
        registration.status = [RegistrationStatus.REGISTERED, RegistrationStatus.TO_CALL][index % 2]
        registration.save()
        WishFactory(registration=registration)
        CallLogFactory(registration=registration)
        CallLogFactory(registration=registration, call_back=True)


@pytest.mark.parametrize("name", [CHANGELIST, CALL_QUEUE])
def test_lists_run_the_same_queries_for_3_or_60_rows(staff_client, edition, name):
    _populate(edition, 3)
    staff_client.get(reverse(name))  # the cached filter choices
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(reverse(name))
    assert len(response.context["cl"].result_list) == 3
    _populate(edition, 57)
    with CaptureQueriesContext(connection) as cold:  # the companies' codes changed
        staff_client.get(reverse(name))
    assert len(cold) <= len(few) + 1  # the CPV filter's DISTINCT, once
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(reverse(name))
    assert len(response.context["cl"].result_list) == 50  # one page
    assert len(many) == len(few)
    content = response.content.decode()
    assert "À appeler" in content and "À rappeler" in content  # status and last call, in French
