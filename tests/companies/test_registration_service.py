"""company_register / registration_update: what is created, reused, refused, and sent."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from companies.enums import RegistrationStatus
from companies.models import Company, CompanyMembership, Registration, Wish
from companies.services.registration import company_register, registration_update
from ellipse.accounts.roles import Role, user_has_role
from ellipse.outbox.models import OutgoingEmail
from tests.companies.registration_helpers import PASSWORD, new_siret
from tests.factories import (
    CompanyFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def company_data(**overrides):
    data = {
        "siret": new_siret(),
        "legal_name": "Menuiserie Solidaire",
        "size_class": "artisan",
        "ess_status": "none",
        "commune": "Pantin",
        "postal_code": "93500",
        "contact_name": "Louis Martin",
        "contact_email": "",
        "description": "Menuiserie bois.",
    }
    data.update(overrides)
    return data


def register(edition, **kwargs):
    params = {
        "edition": edition,
        "company_data": company_data(**kwargs.pop("company", {})),
        "email": "louis@menuiserie.fr",
        "password": PASSWORD,
    }
    params.update(kwargs)
    return company_register(**params)


def test_register_creates_account_company_and_registration():
    edition = EditionFactory()
    CpvCodeFactory(code="45421000", check_digit="4", label="Travaux de menuiserie")
    registration = register(edition, cpv_codes=["45421000"], registration_data={"workshops": "x"})
    company = registration.company
    user = company.memberships.get().user
    assert user.email == "louis@menuiserie.fr"
    assert user.check_password(PASSWORD)
    assert user_has_role(user, Role.COMPANY)
    address = EmailAddress.objects.get(user=user)
    assert address.primary and not address.verified
    assert company.contact_email == "louis@menuiserie.fr"
    assert list(company.cpv_codes.values_list("code", flat=True)) == ["45421000"]
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.consent_at is not None
    assert registration.workshops == "x"


def test_register_enqueues_one_acknowledgement():
    registration = register(EditionFactory())
    email = OutgoingEmail.objects.get(dedup_key=f"registration-received-{registration.pk}")
    assert email.to == "louis@menuiserie.fr"
    assert email.template == "companies/registration_received"
    assert email.context["company_name"] == "Menuiserie Solidaire"


@pytest.mark.parametrize(
    ("commune", "postal_code", "expected"),
    [
        ("Pantin", "93500", True),
        ("le pre saint gervais", "93310", True),
        ("Paris", "75020", False),
        ("Saint-Denis", "93200", False),
    ],
)
def test_is_local_is_computed_from_the_commune(commune, postal_code, expected):
    registration = register(
        EditionFactory(), company={"commune": commune, "postal_code": postal_code}
    )
    assert registration.company.is_local is expected


def test_is_local_matches_every_commune_of_the_reference_file(shared_data):
    import csv

    path = shared_data / "territoire" / "est_ensemble_communes.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 9
    edition = EditionFactory()
    for index, row in enumerate(rows):
        name = row["commune_nom"]
        registration = register(
            edition,
            company={"siret": new_siret(f"local-{index}"), "commune": name},
            email=f"local{index}@exemple.fr",
        )
        assert registration.company.is_local, name


def test_register_same_siret_twice_same_edition_is_refused_and_nothing_duplicated():
    edition = EditionFactory()
    register(edition)
    with pytest.raises(ValidationError) as error:
        register(edition, email="autre@menuiserie.fr")
    assert "déjà inscrite" in str(error.value.message_dict["siret"])
    assert Company.objects.count() == 1
    assert Registration.objects.count() == 1
    assert not CompanyMembership.objects.filter(user__email="autre@menuiserie.fr").exists()


def test_register_reuses_company_of_a_past_edition():
    siret = new_siret("past")
    old = CompanyFactory(siret=siret, legal_name="Ancien nom")
    RegistrationFactory(company=old, edition=EditionFactory(year=2019))
    registration = register(EditionFactory(), company={"siret": siret})
    assert registration.company.pk == old.pk
    assert Company.objects.count() == 1
    old.refresh_from_db()
    assert old.legal_name == "Menuiserie Solidaire"


def test_register_company_with_another_account_is_refused():
    membership = CompanyMembershipFactory()
    edition = EditionFactory()
    with pytest.raises(ValidationError) as error:
        register(edition, company={"siret": membership.company.siret})
    assert "déjà un compte" in str(error.value.message_dict["siret"])
    assert not Registration.objects.filter(edition=edition).exists()


def test_signed_in_member_registers_their_company_again():
    membership = CompanyMembershipFactory()
    edition = EditionFactory()
    registration = company_register(
        edition=edition,
        company_data=company_data(siret=membership.company.siret, contact_email="a@b.fr"),
        user=membership.user,
    )
    assert registration.company == membership.company
    assert CompanyMembership.objects.count() == 1


def test_register_after_deadline_is_refused():
    with pytest.raises(ValidationError, match="closes"):
        register(EditionFactory(closed=True))
    assert not Company.objects.exists()


def test_register_failure_half_way_leaves_nothing():
    edition = EditionFactory()
    with pytest.raises(ValidationError):
        register(edition, cpv_codes=["99999999"])
    assert not Company.objects.exists()
    assert not Registration.objects.exists()
    assert not EmailAddress.objects.exists()
    from ellipse.accounts.models import User

    assert not User.objects.exists()


def test_register_wishes_only_published_contracts():
    edition = EditionFactory()
    published = PlannedContractFactory(year=edition.year)
    registration = register(
        edition,
        wish_contract_ids=[published.pk],
        wish_organisation_ids=[published.organisation_id],
    )
    assert registration.wishes.count() == 2
    draft = PlannedContractFactory(year=edition.year, status="draft")
    with pytest.raises(ValidationError):
        register(
            edition,
            company={"siret": new_siret("other")},
            email="x@y.fr",
            wish_contract_ids=[draft.pk],
        )


def test_update_changes_profile_wishes_and_keeps_siret():
    edition = EditionFactory()
    first, second = (PlannedContractFactory(year=edition.year) for _ in range(2))
    registration = register(edition, wish_contract_ids=[first.pk])
    siret = registration.company.siret
    registration_update(
        registration=registration,
        company_data=company_data(
            siret="00000000000000",
            commune="Paris",
            legal_name="Nouveau",
            contact_email="louis@menuiserie.fr",
        ),
        registration_data={"wants_subcontracting": True, "available_slots": [0, 2]},
        wish_contract_ids=[second.pk],
    )
    registration.refresh_from_db()
    company = registration.company
    company.refresh_from_db()
    assert company.siret == siret
    assert company.legal_name == "Nouveau"
    assert company.is_local is False
    assert registration.wants_subcontracting
    assert registration.available_slots == [0, 2]
    assert list(Wish.objects.values_list("planned_contract_id", flat=True)) == [second.pk]


def test_update_after_deadline_is_refused():
    registration = RegistrationFactory(edition=EditionFactory(closed=True))
    with pytest.raises(ValidationError, match="date limite"):
        registration_update(registration=registration, company_data=company_data())
