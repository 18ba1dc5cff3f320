"""The registration form's field rules: SIRET, phone, NAF, CPV, password, ESS, consent."""

import pytest

from companies.forms import CompanyRegistrationForm, cpv_codes_parse, siret_clean
from tests.companies.registration_helpers import new_siret, valid_post, wrong_key_siret
from tests.factories import CompanyFactory, EditionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory()


def form_for(edition, **overrides):
    form = CompanyRegistrationForm(valid_post(**overrides), edition=edition)
    form.is_valid()
    return form


def test_form_valid_data_is_accepted(edition):
    form = form_for(edition)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["naf_code"] == "43.34Z"
    assert form.cleaned_data["cpv_codes"] == ["45442100", "45000000"]
    assert form.cleaned_data["contact_email"] == "awa.diallo@peintures-est.fr"
    assert str(form.cleaned_data["contact_phone"].as_e164) == "+33148700000"


def test_siret_with_spaces_is_accepted(edition):
    siret = new_siret()
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert form_for(edition, siret=spaced).cleaned_data["siret"] == siret


@pytest.mark.parametrize("value", ["1234", "123456789012345", "ABCDEFGHIJKLMN", ""])
def test_siret_wrong_length_or_letters_gets_french_message(edition, value):
    form = form_for(edition, siret=value)
    assert "siret" in form.errors
    if value:
        assert form.errors["siret"] == ["Le SIRET doit comporter 14 chiffres."]


def test_siret_wrong_check_digit_gets_french_message(edition):
    form = form_for(edition, siret=wrong_key_siret())
    assert form.errors["siret"][0].startswith("Ce SIRET n'est pas valide (clé de contrôle)")


def test_siret_clean_rejects_checksum():
    with pytest.raises(Exception, match="clé de contrôle"):
        siret_clean("73282932000075")


def test_siret_already_registered_is_not_revealed_by_the_form(edition):
    company = CompanyFactory(siret=new_siret())
    RegistrationFactory(company=company, edition=edition)
    assert form_for(edition).is_valid()  # the service e-mails the company instead


def test_siret_of_past_edition_without_account_is_accepted(edition):
    company = CompanyFactory(siret=new_siret())
    RegistrationFactory(company=company, edition=EditionFactory(year=2019))
    assert form_for(edition).is_valid()


@pytest.mark.parametrize(
    "phone", ["01 48 70 00 00", "0148700000", "+33 1 48 70 00 00", "06.12.34.56.78"]
)
def test_phone_french_formats_are_accepted(edition, phone):
    assert "contact_phone" not in form_for(edition, contact_phone=phone).errors


@pytest.mark.parametrize("phone", ["12", "01 48 70", "bonjour"])
def test_phone_invalid_gets_french_message(edition, phone):
    form = form_for(edition, contact_phone=phone)
    assert form.errors["contact_phone"][0].startswith("Saisissez un numéro de téléphone valide")


def test_naf_unknown_code_is_refused(edition):
    form = form_for(edition, naf_code="99.99Z")
    assert "n'existe pas" in form.errors["naf_code"][0]


def test_cpv_unknown_code_is_named_in_the_message(edition):
    form = form_for(edition, cpv_codes="45442100, 12345678")
    assert form.errors["cpv_codes"] == [
        "Code CPV inconnu : 12345678. Recherchez la catégorie par son libellé."
    ]


def test_cpv_malformed_code_is_refused(edition):
    form = form_for(edition, cpv_codes="4544")
    assert "8 chiffres" in form.errors["cpv_codes"][0]


def test_cpv_codes_parse_accepts_check_digits_and_separators():
    assert cpv_codes_parse("45442100-8; 45000000 45442100") == ["45442100", "45000000"]


def test_password_mismatch_is_refused(edition):
    form = form_for(edition, password2="autre-chose-2025")
    assert form.errors["password2"] == ["Les deux mots de passe ne sont pas identiques."]


def test_password_too_common_is_refused(edition):
    form = form_for(edition, password1="password", password2="password")
    assert "password1" in form.errors


def test_email_already_used_is_not_revealed_by_the_form(edition):
    from tests.factories import UserFactory

    UserFactory(email="awa.diallo@peintures-est.fr")
    assert form_for(edition).is_valid()  # the service e-mails the owner instead


def test_email_longer_than_the_database_allows_gets_a_form_error(edition):
    form = form_for(edition, email="a" * 250 + "@example.fr")
    assert "email" in form.errors


def test_form_fields_come_from_the_models(edition):
    from companies.models import Company

    form = CompanyRegistrationForm(edition=edition)
    for name in ("legal_name", "commune", "contact_name", "keywords"):
        assert form.fields[name].max_length == Company._meta.get_field(name).max_length
    assert form.fields["description"].required
    assert form.fields["size_class"].choices[0] == ("", "— Choisir —")


def test_siae_requires_its_type(edition):
    form = form_for(edition, ess_status="siae", siae_type="")
    assert form.errors["siae_type"] == ["Précisez le type de SIAE."]
    assert form_for(edition, ess_status="siae", siae_type="aci").is_valid()


def test_siae_type_is_dropped_when_not_siae(edition):
    form = form_for(edition, ess_status="scop", siae_type="aci")
    assert form.is_valid()
    assert form.cleaned_data["siae_type"] == ""


def test_consent_is_required(edition):
    form = form_for(edition, consent=None)
    assert form.errors["consent"] == ["Votre accord est nécessaire pour traiter votre inscription."]


def test_postal_code_and_future_year_are_refused(edition):
    form = form_for(edition, postal_code="931", creation_year="2999")
    assert "5 chiffres" in form.errors["postal_code"][0]
    assert "futur" in form.errors["creation_year"][0]


def test_slot_outside_the_grid_is_refused(edition):
    form = form_for(edition, available_slots=["0", "99"])
    assert "available_slots" in form.errors
