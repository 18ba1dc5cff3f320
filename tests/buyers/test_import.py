"""forecast_import: the service behind the web upload, the admin and import_forecasts."""

import datetime as dt
from decimal import Decimal

import pytest

from buyers.enums import ContractStatus, Procedure, Reservation
from buyers.models import PlannedContract
from buyers.resources import HEADERS
from buyers.services import forecast_import
from tests.buyers.forecast_files import BASE, csv_bytes, row, xlsx_bytes
from tests.factories.buyers import BuyerOrganisationFactory, PlannedContractFactory

pytestmark = pytest.mark.django_db

YEAR = 2031


def run(organisation, content, *, dry_run=False, file_format=None):
    return forecast_import(
        organisation=organisation, year=YEAR, file=content, file_format=file_format, dry_run=dry_run
    )


def test_forecast_import_good_file_creates_lines(cpv_demo, organisation):
    content = csv_bytes(
        [
            row(),
            row(
                Référence="2031-002",
                Objet="Travaux de peinture",
                Code_CPV_principal="45442100",
                Codes_CPV_complémentaires="45210000-2; 77310000",
                Procédure_envisagée="AO",
                Marché_réservé="SIAE",
                Lots="Écoles ; 45442100 ; 10 000 | Crèches ; ; 5 000,5",
            ),
        ]
    )
    report = run(organisation, content)
    assert not report.has_errors, report.error_lines()
    assert report.written and report.counts["new"] == 2
    line = PlannedContract.objects.get(organisation=organisation, year=YEAR, reference="2031-001")
    assert line.estimated_amount == Decimal("120000.50")
    assert line.publication_quarter == 2
    assert line.expected_start == dt.date(2031, 9, 15)
    assert line.procedure == Procedure.MAPA
    assert line.social_clause and line.insertion_hours == 350
    assert line.status == ContractStatus.PUBLISHED
    paint = PlannedContract.objects.get(reference="2031-002")
    assert paint.procedure == Procedure.OPEN and paint.reservation == Reservation.SIAE
    assert sorted(paint.cpv_extra.values_list("code", flat=True)) == ["45210000", "77310000"]
    lots = list(
        paint.lots.order_by("number").values_list("number", "title", "cpv_id", "estimated_amount")
    )
    assert lots == [
        (1, "Écoles", "45442100", Decimal("10000.00")),
        (2, "Crèches", None, Decimal("5000.50")),
    ]


def test_forecast_import_dry_run_writes_nothing(cpv_demo, organisation):
    report = run(organisation, csv_bytes([row()]), dry_run=True)
    assert [r.status for r in report.rows] == ["new"]
    assert not report.written
    assert not PlannedContract.objects.exists()


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"Code_CPV_principal": "99999999"}, "Code CPV principal", "Code CPV inconnu"),
        ({"Code_CPV_principal": "peinture"}, "Code CPV principal", "n'est pas un code CPV"),
        ({"Montant_estimé____HT_": "douze mille"}, "Montant estimé (€ HT)", "n'est pas un montant"),
        ({"Trimestre_de_publication": "T5"}, "Trimestre de publication", "hors limites"),
        ({"Procédure_envisagée": "Tirage au sort"}, "Procédure envisagée", "Procédure inconnu"),
        ({"Démarrage_prévu": "31/02/2031"}, "Démarrage prévu", "n'est pas une date"),
        ({"Clause_sociale": "peut-être"}, "Clause sociale", "oui ou non"),
        ({"Objet": ""}, "Objet", "ne peut pas être vide"),
        ({"Montant_estimé____HT_": "-5"}, "Montant estimé (€ HT)", "supérieure ou égale à 0"),
        ({"E_mail_du_contact": "pas-une-adresse"}, "E-mail du contact", "adresse"),
    ],
)
def test_forecast_import_bad_row_reports_column_and_message(
    cpv_demo, organisation, changes, column, fragment
):
    report = run(organisation, csv_bytes([row(Référence="A"), row(Référence="B", **changes)]))
    assert report.has_errors and not report.written
    bad = report.rows[1]
    assert bad.status == "error" and bad.line == 3
    assert any(e.column == column and fragment in e.message for e in bad.errors), bad.errors
    assert report.rows[0].status == "new"
    assert any(line.startswith(f"ligne 3, colonne « {column} » :") for line in report.error_lines())
    assert not PlannedContract.objects.exists()


def test_forecast_import_duplicate_reference_in_file_is_an_error(cpv_demo, organisation):
    report = run(organisation, csv_bytes([row(), row(Objet="Autre chose")]))
    assert report.rows[1].status == "error"
    assert "en double dans le fichier (déjà ligne 2)" in report.rows[1].errors[0].message
    assert report.rows[1].errors[0].column == "Référence"
    assert not PlannedContract.objects.exists()


def test_forecast_import_missing_required_column_is_a_file_error(cpv_demo, organisation):
    headers = [h for h in HEADERS if h != "Code CPV principal"]
    report = run(organisation, csv_bytes([row()], headers=headers))
    assert report.has_errors and not report.rows
    assert "Colonne obligatoire absente : « Code CPV principal »" in report.file_errors[0]


def test_forecast_import_mixed_file_writes_nothing_even_existing_updates(cpv_demo, organisation):
    existing = PlannedContractFactory(
        organisation=organisation, year=YEAR, reference="2031-001", title="Ancien objet"
    )
    content = csv_bytes([row(), row(Référence="2031-002", Trimestre_de_publication="9")])
    report = run(organisation, content)
    assert [r.status for r in report.rows] == ["updated", "error"]
    assert not report.written
    existing.refresh_from_db()
    assert existing.title == "Ancien objet"
    assert PlannedContract.objects.count() == 1


def test_forecast_import_reupload_updates_instead_of_duplicating(cpv_demo, organisation):
    content = csv_bytes([row(), row(Référence="2031-002", Objet="Peinture")])
    run(organisation, content)
    again = run(organisation, content, dry_run=True)
    assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
    changed = csv_bytes(
        [row(Montant_estimé____HT_="130 000"), row(Référence="2031-002", Objet="Peinture")]
    )
    report = run(organisation, changed)
    assert [r.status for r in report.rows] == ["updated", "unchanged"]
    assert PlannedContract.objects.count() == 2
    assert PlannedContract.objects.get(reference="2031-001").estimated_amount == 130000


def test_forecast_import_same_reference_other_organisation_or_year_is_separate(
    cpv_demo, organisation
):
    other = BuyerOrganisationFactory()
    PlannedContractFactory(organisation=other, year=YEAR, reference="2031-001", title="Autre")
    PlannedContractFactory(organisation=organisation, year=YEAR - 1, reference="2031-001")
    report = run(organisation, csv_bytes([row()]))
    assert report.rows[0].status == "new" and report.written
    assert PlannedContract.objects.get(organisation=other).title == "Autre"
    assert PlannedContract.objects.count() == 3


def test_forecast_import_generates_stable_references_when_empty(cpv_demo, organisation):
    content = csv_bytes([row(Référence=""), row(Référence="", Objet="Peinture")])
    first = run(organisation, content)
    assert first.written and all(r.reference.startswith("2031-") for r in first.rows)
    second = run(organisation, content, dry_run=True)
    assert [r.status for r in second.rows] == ["unchanged", "unchanged"]
    assert PlannedContract.objects.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_forecast_import_csv_encodings_and_separators(cpv_demo, organisation, encoding, delimiter):
    content = csv_bytes(
        [row(Objet="Élagage des arbres — écoles", Montant_estimé____HT_="12 500,50")],
        delimiter=delimiter,
        encoding=encoding,
    )
    report = run(organisation, content)
    assert report.written, report.error_lines()
    line = PlannedContract.objects.get()
    assert line.title == "Élagage des arbres — écoles"
    assert line.estimated_amount == Decimal("12500.50")


def test_forecast_import_unreadable_encoding_is_refused(cpv_demo, organisation):
    content = "Référence;Objet;Code CPV principal\r\nA;x;77310000\r\n".encode() + b"\x81\x8d"
    report = run(organisation, content)
    assert report.file_errors == [
        "Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8 ou Windows-1252."
    ]


def test_forecast_import_xlsx_with_native_types(cpv_demo, organisation):
    values = [BASE[h] for h in HEADERS]
    values[HEADERS.index("Montant estimé (€ HT)")] = 45000.5
    values[HEADERS.index("Démarrage prévu")] = dt.datetime(2031, 3, 15)
    values[HEADERS.index("Trimestre de publication")] = 3
    values[HEADERS.index("Code CPV principal")] = 77310000
    report = run(
        organisation, xlsx_bytes([values, [None] * len(HEADERS), values]), file_format="xlsx"
    )
    # The empty line is skipped but line numbers stay the spreadsheet's: the duplicate is line 4.
    assert report.rows[1].line == 4 and report.rows[1].status == "error"
    report = run(organisation, xlsx_bytes([values]))
    assert report.written, report.error_lines()
    line = PlannedContract.objects.get()
    assert line.estimated_amount == Decimal("45000.50")
    assert line.expected_start == dt.date(2031, 3, 15)
    assert line.publication_quarter == 3


def test_forecast_import_refuses_a_fake_xlsx_and_an_oversized_file(
    cpv_demo, organisation, settings
):
    report = run(organisation, b"not a workbook", file_format="xlsx")
    assert "XLSX" in report.file_errors[0]
    settings.ELLIPSE_UPLOAD_MAX_BYTES = 100
    report = run(organisation, csv_bytes([row()]))
    assert report.file_errors[0].startswith("Fichier trop volumineux")


def test_forecast_import_unknown_columns_are_ignored_with_a_warning(cpv_demo, organisation):
    headers = [*HEADERS, "Commentaire interne"]
    report = run(organisation, csv_bytes([row()], headers=headers))
    assert report.written
    assert "« Commentaire interne »" in report.warnings[0]


def test_forecast_import_french_number_formats(cpv_demo, organisation):
    rows = [
        row(Référence=str(i), Montant_estimé____HT_=value)
        for i, value in enumerate(["1.250.000,00", "12 500 €", "12500.5", "1\u202f000,25"])
    ]
    run(organisation, csv_bytes(rows))
    amounts = dict(PlannedContract.objects.values_list("reference", "estimated_amount"))
    assert amounts == {
        "0": Decimal("1250000.00"),
        "1": Decimal("12500.00"),
        "2": Decimal("12500.50"),
        "3": Decimal("1000.25"),
    }


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_forecast_import_over_row_limit_refused_naming_it(
    cpv_demo, organisation, settings, file_format
):
    settings.ELLIPSE_FORECAST_MAX_ROWS = 3
    rows = [row(Référence=f"2031-{i:03d}") for i in range(4)]
    content = (
        xlsx_bytes([[r[h] for h in HEADERS] for r in rows])
        if file_format == "xlsx"
        else csv_bytes(rows)
    )
    report = run(organisation, content, file_format=file_format)
    assert report.file_errors == [
        "Fichier trop long : 3 lignes de données au plus (plus la ligne d'en-tête). "
        "Découpez-le en plusieurs fichiers."
    ]
    assert not PlannedContract.objects.exists()


def test_forecast_import_lying_xlsx_reads_only_real_rows(cpv_demo, organisation):
    from tests.core.spreadsheet_files import xlsx_lying

    content = xlsx_lying([HEADERS, [BASE[h] for h in HEADERS]])
    report = run(organisation, content, dry_run=True)
    assert not report.has_errors, report.error_lines()
    assert report.counts["new"] == 1
