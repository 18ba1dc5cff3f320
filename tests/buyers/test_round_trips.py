"""Every export of the project read back by its importer gives the same values: lines using
every optional field empty and every one full, texts a spreadsheet would run as formulas."""

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from import_export.formats.base_formats import CSV, XLSX

from buyers.enums import ContractStatus, Procedure, Reservation, Visibility
from buyers.models import PlannedContract, PlannedContractLot
from buyers.services import forecast_export, forecast_import
from companies.fields import COMPANY_SPREADSHEET_FIELDS as COMPANY_FIELDS
from companies.models import Company
from companies.resources import CompanyResource
from ellipse.core.import_formats import BoundedCSV, BoundedXLSX
from tests.factories.buyers import BuyerOrganisationFactory, CpvCodeFactory
from tests.factories.companies import CompanyFactory

pytestmark = pytest.mark.django_db

YEAR = 2031
SKIP = {"id", "organisation", "created_at", "updated_at"}


def _lines(organisation):
    main = CpvCodeFactory(code="45442100", check_digit="8")
    extra = CpvCodeFactory(code="77310000", check_digit="6")
    empty = PlannedContract.objects.create(
        organisation=organisation,
        year=YEAR,
        reference="R-VIDE",
        title="Ligne sans rien d'optionnel",
        cpv_main=main,
    )
    full = PlannedContract.objects.create(
        organisation=organisation,
        year=YEAR,
        reference="R-PLEINE",
        title='=HYPERLINK("http://x") et tout le reste',
        description="+ une description\nsur deux lignes ; avec « guillemets »",
        cpv_main=main,
        estimated_amount=Decimal("1234567.89"),
        publication_quarter=3,
        publication_month=8,
        expected_start=dt.date(2031, 9, 1),
        duration_months=48,
        procedure=Procedure.DIALOGUE,
        reservation=Reservation.SIAE,
        social_clause=True,
        insertion_hours=1200,
        environmental_consideration=True,
        innovation=True,
        renewal=True,
        contact_name="@Léa Martin",
        contact_email="lea.martin@ville.fr",
        visibility=Visibility.STAFF,
        status=ContractStatus.LAUNCHED,
    )
    full.cpv_extra.set([extra])
    PlannedContractLot.objects.create(
        contract=full, number=1, title="-Lot nord", cpv=extra, estimated_amount=Decimal("10.5")
    )
    PlannedContractLot.objects.create(contract=full, number=2, title="Lot sud")
    return [empty, full]


def _snapshot(organisation):
    lines = {}
    for line in PlannedContract.objects.filter(organisation=organisation).order_by("reference"):
        values = {k: v for k, v in model_to_dict(line).items() if k not in SKIP}
        values["cpv_extra"] = sorted(c.pk for c in values["cpv_extra"])
        values["lots"] = [
            (lot.number, lot.title, lot.cpv_id, lot.estimated_amount)
            for lot in line.lots.order_by("number")
        ]
        lines[line.reference] = values
    return lines


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_forecast_export_imports_back_unchanged(file_format):
    organisation = BuyerOrganisationFactory()
    _lines(organisation)
    before = _snapshot(organisation)
    content = forecast_export(
        queryset=PlannedContract.objects.filter(organisation=organisation),
        file_format=file_format,
    )
    report = forecast_import(
        organisation=organisation, year=YEAR, file=content, file_format=file_format, dry_run=True
    )
    assert not report.has_errors, report.error_lines()
    assert [(r.reference, r.status) for r in report.rows] == [
        ("R-PLEINE", "unchanged"),
        ("R-VIDE", "unchanged"),
    ]
    PlannedContract.objects.all().delete()
    report = forecast_import(
        organisation=organisation, year=YEAR, file=content, file_format=file_format, dry_run=False
    )
    assert report.written, report.error_lines()
    assert _snapshot(organisation) == before


def _full_company():
    cpv = CpvCodeFactory(code="45442100", check_digit="8")
    values = {}
    for name in COMPANY_FIELDS:
        field = Company._meta.get_field(name)
        if field.choices:
            values[name] = field.choices[-1][0]
    company = CompanyFactory(
        **values,
        siret="73282932000074",
        legal_name="=Société pleine",
        trade_name="+Enseigne",
        legal_form="SAS",
        creation_year=2015,
        labels="RGE ; Qualibat",
        address="1 rue de Paris",
        postal_code="93100",
        commune="Montreuil",
        work_area="Est Ensemble",
        description="-Peinture\net ravalement",
        naf_code="43.34Z",
        keywords="peinture, façades",
        references="Ville de Bagnolet",
        contact_name="@Léa Martin",
        contact_role="Gérante",
        contact_email="lea@peinture.fr",
        contact_phone="+33 1 23 45 67 89",
    )
    company.cpv_codes.set([cpv])
    return company


def _empty_company():
    return Company.objects.create(
        siret="35600000000048",
        legal_name="Société vide",
        size_class=Company._meta.get_field("size_class").choices[0][0],
        commune="Paris",
        contact_name="Jean Dupont",
        contact_email="jean@vide.fr",
    )


def _company_snapshot():
    rows = {}
    for company in Company.objects.order_by("siret"):
        values = {k: v for k, v in model_to_dict(company).items() if k in COMPANY_FIELDS}
        values["cpv_codes"] = sorted(c.pk for c in values["cpv_codes"])
        values["contact_phone"] = str(values["contact_phone"] or "")
        rows[company.siret] = values
    return rows


@pytest.mark.parametrize(("writer", "reader"), [(XLSX, BoundedXLSX), (CSV, BoundedCSV)])
def test_company_export_imports_back_unchanged(writer, reader):
    _full_company()
    _empty_company()
    before = _company_snapshot()
    content = writer().export_data(CompanyResource().export())
    if isinstance(content, str):
        content = content.encode("utf-8")
    dataset = reader().create_dataset(content)
    result = CompanyResource().import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    assert {r.import_type for r in result.rows} == {"skip"}
    Company.objects.all().delete()
    result = CompanyResource().import_data(reader().create_dataset(content), dry_run=False)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert _company_snapshot() == before
