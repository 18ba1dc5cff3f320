"""Import and export of companies: SIRET checked, CPV codes as a column, formulas neutralised."""

import io

import pytest
import tablib
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from companies.models import Company
from companies.resources import CompanyResource, RegistrationExportResource
from tests.factories.accounts import UserFactory
from tests.factories.buyers import CpvCodeFactory
from tests.factories.companies import CompanyFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"
HEADERS = [
    "siret",
    "legal_name",
    "size_class",
    "commune",
    "contact_name",
    "contact_email",
    "cpv_codes",
    "keywords",
]


def _dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def test_import_creates_company_with_cpv_codes_and_computes_local():
    CpvCodeFactory(code="45442100", check_digit="3")
    CpvCodeFactory(code="77310000", check_digit="6")
    result = CompanyResource().import_data(
        _dataset(
            [
                VALID_SIRET,
                "Peinture Martin",
                "micro",
                "Bagnolet",
                "Léa Martin",
                "lea@peinture.fr",
                "45442100-3, 77310000",
                "peinture",
            ]
        ),
        dry_run=False,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    company = Company.objects.get(siret=VALID_SIRET)
    assert company.legal_name == "Peinture Martin"
    assert set(company.cpv_codes.values_list("code", flat=True)) == {"45442100", "77310000"}
    assert company.is_local is True  # Bagnolet is one of the 9 communes


def test_import_updates_by_siret():
    company = CompanyFactory(siret=VALID_SIRET, legal_name="Ancien nom")
    result = CompanyResource().import_data(
        _dataset([VALID_SIRET, "Nouveau nom", "pme", "Paris", "A B", "a@b.fr", "", ""]),
        dry_run=False,
    )
    assert not result.has_validation_errors()
    company.refresh_from_db()
    assert company.legal_name == "Nouveau nom" and company.is_local is False
    assert Company.objects.count() == 1


def test_import_rejects_an_invalid_siret_and_writes_nothing():
    result = CompanyResource().import_data(
        _dataset(
            [VALID_SIRET, "Bonne", "micro", "Montreuil", "A B", "a@b.fr", "", ""],
            ["73282932000075", "Mauvaise clé", "micro", "Montreuil", "A B", "a@b.fr", "", ""],
        ),
        dry_run=False,
    )
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "clé de contrôle" in " ".join(errors["siret"])
    assert not Company.objects.exists()


def test_import_rejects_unknown_cpv_and_model_rules():
    result = CompanyResource().import_data(
        _dataset(
            [
                VALID_SIRET,
                "X",
                "taille-inconnue",
                "Montreuil",
                "A B",
                "pas-un-email",
                "99999999",
                "",
            ]
        ),
        dry_run=False,
    )
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "Code CPV inconnu" in " ".join(errors["cpv_codes"])
    assert "size_class" in errors and "contact_email" in errors
    assert not Company.objects.exists()


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_export_neutralises_formulas(fmt):
    CompanyFactory(
        legal_name='=HYPERLINK("http://evil.example","clic")',
        keywords="+cmd|' /C calc'!A0",
        contact_name="@SUM(1+1)",
    )
    dataset = CompanyResource().export()
    data = fmt().export_data(dataset)
    if fmt is XLSX:
        sheet = load_workbook(io.BytesIO(data)).active
        cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    else:
        cells = [c for row in tablib.Dataset().load(data, format="csv") for c in row]
    texts = [c for c in cells if isinstance(c, str) and c]
    assert texts, "export is empty"
    for cell in texts:
        assert not cell.startswith(("=", "+", "-", "@")), cell
    assert '\'=HYPERLINK("http://evil.example","clic")' in texts


def test_export_then_import_round_trips_quoted_cells():
    CpvCodeFactory(code="45442100", check_digit="3")
    company = CompanyFactory(siret=VALID_SIRET, legal_name="=1+1 Peinture")
    company.cpv_codes.add("45442100")
    dataset = CompanyResource().export()
    Company.objects.all().delete()
    result = CompanyResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors(), result.invalid_rows[0].error_dict
    restored = Company.objects.get(siret=VALID_SIRET)
    assert restored.legal_name == "=1+1 Peinture"
    assert list(restored.cpv_codes.values_list("code", flat=True)) == ["45442100"]


def test_registration_export_has_status_labels_and_is_neutralised():
    RegistrationFactory(qualified=True, company=CompanyFactory(legal_name="=cmd()"))
    dataset = RegistrationExportResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["statut"] == "Qualifiée"
    assert row["entreprise"] == "'=cmd()"


def test_admin_export_and_import_pages_for_staff(client):
    client.force_login(UserFactory(role="staff"))
    CompanyFactory(legal_name="=HYPERLINK(1)")
    response = client.post(
        reverse("admin:companies_company_export"),
        {
            "format": "1",
            "resource": "0",
            **{f"companyresource_{f}": "on" for f in ("siret", "legal_name")},
        },
    )
    assert response.status_code == 200, response.content.decode()[:1500]
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in response.content.decode()
    assert client.get(reverse("admin:companies_company_import")).status_code == 200


def test_admin_import_shows_row_errors_in_french_and_writes_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(UserFactory(role="staff"))
    csv = (
        ",".join(HEADERS)
        + "\n"
        + f"{VALID_SIRET},Bonne,micro,Montreuil,A B,a@b.fr,,\n"
        + "73282932000075,Mauvaise,micro,Montreuil,A B,a@b.fr,,\n"
    )
    response = client.post(
        reverse("admin:companies_company_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("e.csv", csv.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "clé de contrôle" in content
    assert "confirm" not in response.context or response.context.get("confirm_form") is None
    assert not Company.objects.exists()
