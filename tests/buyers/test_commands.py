"""load_cpv and import_forecasts."""

import io

import pytest
from django.core.management import CommandError, call_command

from buyers.models import CpvCode, PlannedContract
from tests.buyers.forecast_files import csv_bytes, row

pytestmark = pytest.mark.django_db


def test_load_cpv_reads_the_shared_french_csv(shared_data):
    call_command("load_cpv", str(shared_data / "cpv" / "cpv_2008_fr.csv"), stdout=io.StringIO())
    assert CpvCode.objects.count() == 9454
    paint = CpvCode.objects.get(code="45442100")
    assert paint.check_digit == "8" and paint.level == 6 and paint.division == "45"
    assert paint.label == "Travaux de peinture"
    # Idempotent: a second run updates, creates nothing.
    call_command("load_cpv", str(shared_data / "cpv" / "cpv_2008_fr.csv"), stdout=io.StringIO())
    assert CpvCode.objects.count() == 9454


def test_load_cpv_reads_the_simap_xlsx_shape(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CODE", "BG", "DE", "EN", "FR"])
    sheet.append(
        ["45000000-7", "Строителни", "Bauarbeiten", "Construction work", "Travaux de construction"]
    )
    sheet.append(["45442100-8", "x", "Anstricharbeiten", "Painting work", "Travaux de peinture"])
    path = tmp_path / "cpv_2008_ver_2013.xlsx"
    workbook.save(path)
    out = io.StringIO()
    call_command("load_cpv", str(path), stdout=out)
    assert "2 codes CPV chargés" in out.getvalue()
    assert CpvCode.objects.get(code="45000000").label == "Travaux de construction"


def test_load_cpv_reads_the_simap_csv_shape(tmp_path):
    path = tmp_path / "cpv.csv"
    path.write_text('CODE;EN;FR\n"03000000-1";"Agricultural";"Produits agricoles"\n', "utf-8")
    call_command("load_cpv", str(path), stdout=io.StringIO())
    assert CpvCode.objects.get().level == 2


def test_load_cpv_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "cpv.csv"
    path.write_text("numero,nom\n1,x\n", "utf-8")
    with pytest.raises(CommandError, match="CODE"):
        call_command("load_cpv", str(path))


def test_import_forecasts_writes_and_prints_a_summary(tmp_path, cpv_demo, organisation):
    path = tmp_path / "previsions.csv"
    path.write_bytes(csv_bytes([row(), row(Référence="2031-002")]))
    out = io.StringIO()
    call_command(
        "import_forecasts", str(path), organisation=organisation.siret, year=2031, stdout=out
    )
    assert "2 nouvelle(s)" in out.getvalue()
    assert PlannedContract.objects.filter(organisation=organisation, year=2031).count() == 2


def test_import_forecasts_dry_run_writes_nothing(tmp_path, cpv_demo, organisation):
    path = tmp_path / "previsions.csv"
    path.write_bytes(csv_bytes([row()]))
    out = io.StringIO()
    call_command(
        "import_forecasts",
        str(path),
        "--dry-run",
        organisation=organisation.siret,
        year=2031,
        stdout=out,
    )
    assert "rien n'a été enregistré" in out.getvalue()
    assert not PlannedContract.objects.exists()


def test_import_forecasts_exits_1_with_one_line_per_error(tmp_path, cpv_demo, organisation):
    path = tmp_path / "previsions.csv"
    path.write_bytes(
        csv_bytes([row(), row(Référence="B", Code_CPV_principal="1", Trimestre_de_publication="8")])
    )
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_forecasts",
            str(path),
            organisation=organisation.siret,
            year=2031,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert exit_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("ligne 3, colonne « Code CPV principal » :")
    assert lines[1].startswith("ligne 3, colonne « Trimestre de publication » :")
    assert not PlannedContract.objects.exists()


def test_import_forecasts_unknown_siret(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("import_forecasts", str(path), organisation="12345678901234")
