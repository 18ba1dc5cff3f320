import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ellipse.core.import_formats import BoundedCSV, BoundedXLSX
from ellipse.core.spreadsheets import (
    SpreadsheetError,
    SpreadsheetLimits,
    neutralise_formula,
    read_rows,
    unneutralise_formula,
)
from tests.core.spreadsheet_files import (
    sheet_xml,
    xlsx_bomb,
    xlsx_from_sheet,
    xlsx_lying,
    xlsx_wide_row,
)

LIMITS = SpreadsheetLimits(max_rows=5, max_columns=4, max_member_bytes=1_000_000)


def test_xlsx_declared_dimension_ignored():
    lines = read_rows(content=xlsx_lying([["a", "b"], [1, 2.5]]), file_format="xlsx", limits=LIMITS)
    assert lines == [(1, ["a", "b"]), (2, [1, 2.5])]


def test_xlsx_too_many_rows_refused_naming_the_limit():
    content = xlsx_lying([["h"]] + [[f"v{i}"] for i in range(6)])
    with pytest.raises(SpreadsheetError, match="5 lignes de données au plus"):
        read_rows(content=content, file_format="xlsx", limits=LIMITS)


def test_xlsx_rows_at_the_limit_read():
    content = xlsx_lying([["h"]] + [[f"v{i}"] for i in range(5)])
    assert len(read_rows(content=content, file_format="xlsx", limits=LIMITS)) == 6


def test_xlsx_value_beyond_column_limit_refused():
    content = xlsx_from_sheet(sheet_xml([["a", None, None, None, None, "far"]]))
    with pytest.raises(SpreadsheetError, match=r"4 colonnes au plus .* ligne 1"):
        read_rows(content=content, file_format="xlsx", limits=LIMITS)


def test_xlsx_empty_cells_beyond_column_limit_ignored():
    content = xlsx_wide_row([["a", "b"]], empty_cells=100_000)
    assert read_rows(content=content, file_format="xlsx", limits=LIMITS) == [(1, ["a", "b"])]


def test_xlsx_zip_bomb_refused_before_opening():
    content = xlsx_bomb(uncompressed_bytes=5_000_000)
    assert len(content) < 50_000
    with pytest.raises(SpreadsheetError, match="décompressé"):
        read_rows(content=content, file_format="xlsx", limits=LIMITS)


def test_xlsx_damaged_refused():
    with pytest.raises(SpreadsheetError, match="XLSX lisible"):
        read_rows(content=b"PK\x03\x04 not a zip", file_format="xlsx", limits=LIMITS)


def test_xlsx_types_from_openpyxl():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["texte", "entier", "décimal", "date", "booléen", "formule"])
    sheet.append(["texte libre", 12, 12.5, dt.datetime(2027, 3, 15), True, None])
    sheet["F2"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    lines = read_rows(
        content=buffer.getvalue(),
        file_format="xlsx",
        limits=LIMITS.__class__(max_rows=5, max_columns=10, max_member_bytes=1_000_000),
    )
    assert lines[1][1][:5] == ["texte libre", 12, 12.5, dt.datetime(2027, 3, 15), True]


def test_csv_too_many_rows_refused():
    content = "\n".join(["h"] + [f"v{i}" for i in range(6)]).encode()
    with pytest.raises(SpreadsheetError, match="5 lignes de données au plus"):
        read_rows(content=content, file_format="csv", limits=LIMITS)


def test_csv_too_wide_refused_and_empty_tail_ignored():
    assert read_rows(content=b"a;b;;;;;;;", file_format="csv", limits=LIMITS) == [
        (1, ["a", "b", "", ""])
    ]
    with pytest.raises(SpreadsheetError, match="4 colonnes"):
        read_rows(content=b"a;b;;;;;x", file_format="csv", limits=LIMITS)


def test_formula_protection_round_trip():
    for text in ["=SOMME(A1)", "+33", "'=déjà", "''=x", "simple", "'apostrophe", "-"]:
        assert unneutralise_formula(neutralise_formula(text)) == text
    assert neutralise_formula("=x") == "'=x"


def test_admin_formats_use_the_bounded_reader(settings):
    settings.ELLIPSE_IMPORT_MAX_ROWS = 5
    with pytest.raises(SpreadsheetError, match="5 lignes"):
        BoundedXLSX().create_dataset(xlsx_lying([["siret"]] + [[str(i)] for i in range(6)]))
    dataset = BoundedCSV().create_dataset("siret;legal_name\r\n1;Société =A".encode("cp1252"))
    assert dataset.headers == ["siret", "legal_name"]
    assert dataset[0] == ("1", "Société =A")


MEASURE = """
import json, sys
import django
django.setup()
from ellipse.core.spreadsheets import SpreadsheetError, SpreadsheetLimits, read_rows
content = open(sys.argv[1], "rb").read()
limits = SpreadsheetLimits.from_settings("FORECAST")
outcome = "read"
try:
    read_rows(content=content, file_format=sys.argv[2], limits=limits)
except SpreadsheetError as error:
    outcome = str(error)
print(json.dumps({"outcome": outcome}))
"""


LAUNCHER = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True,
                      text=True, check=True)
print(done.stdout.strip().splitlines()[-1])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def _peak(tmp_path: Path, content: bytes, file_format: str) -> dict:
    """Read ``content`` in a fresh process and return its outcome and peak RSS (MB).

    A small launcher process starts the reader: Linux keeps the peak RSS of a process across
    fork and exec, so starting it from the test process itself would count pytest's memory."""
    path = tmp_path / f"hostile.{file_format}"
    path.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, MEASURE, str(path), file_format],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    outcome, peak = done.stdout.strip().splitlines()[-2:]
    return {"outcome": json.loads(outcome)["outcome"], "peak_mb": float(peak)}


@pytest.mark.parametrize(
    ("name", "build", "file_format"),
    [
        ("declared 1M x 16k", lambda: xlsx_lying([["Objet"]] * 3), "xlsx"),
        ("row of 200k empty cells", lambda: xlsx_wide_row([["O"]], empty_cells=200_000), "xlsx"),
        ("60 MB member", lambda: xlsx_bomb(uncompressed_bytes=60_000_000), "xlsx"),
        ("CSV of 1M lines", lambda: b"Objet\n" + b"x\n" * 1_000_000, "csv"),
        ("CSV of 1M columns", lambda: b";" * 1_000_000 + b"\nx", "csv"),
    ],
)
def test_hostile_files_keep_memory_bounded(tmp_path, name, build, file_format):
    """Each file is a few kilobytes that would expand to gigabytes if trusted; the reading
    process (Python + Django, ~60 MB at rest) stays under 150 MB."""
    content = build()
    assert len(content) < 5 * 1024 * 1024
    result = _peak(tmp_path, content, file_format)
    assert result["peak_mb"] < 150, (name, result)


@pytest.mark.django_db
def test_admin_company_import_refuses_a_lying_file_in_french(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    settings.ELLIPSE_IMPORT_MAX_ROWS = 2
    client.force_login(UserFactory(role="staff"))
    content = xlsx_lying([["siret", "legal_name"]] + [[str(i), f"Société {i}"] for i in range(3)])
    response = client.post(
        reverse("admin:companies_company_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("societes.xlsx", content),
        },
    )
    assert response.status_code == 200
    assert "Fichier trop long : 2 lignes de données au plus" in response.content.decode()
