# ruff: noqa: E501
"""Spreadsheets that lie about themselves, built by hand (a few kilobytes each)."""

import io
import zipfile
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dimension}"/><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(column: int, line: int, value) -> str:
    ref = f"{_column_letters(column)}{line}"
    if value is None:
        return f'<c r="{ref}"/>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension="A1:XFD1048576", extra="") -> str:
    """Rows of values from A1, a declared dimension, and ``extra`` raw XML after them."""
    body = "".join(
        f'<row r="{n}">' + "".join(cell(i, n, v) for i, v in enumerate(values, 1)) + "</row>"
        for n, values in enumerate(rows, 1)
    )
    return SHEET_HEAD.format(dimension=dimension) + body + extra + SHEET_TAIL


def xlsx_from_sheet(sheet: str, *, name: str = "Prévisions") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=escape(name)))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def xlsx_lying(rows: list[list]) -> bytes:
    """A sheet that declares a million rows by 16,384 columns, and has empty cells in the far
    corner, but only ``rows`` of data."""
    far = '<row r="1048576"><c r="XFD1048576"/></row>'
    return xlsx_from_sheet(sheet_xml(rows, extra=far))


def xlsx_wide_row(rows: list[list], *, empty_cells: int) -> bytes:
    """``rows`` then a row of ``empty_cells`` empty cells without references (a few bytes each,
    compressed to almost nothing)."""
    wide = f'<row r="{len(rows) + 1}">' + "<c/>" * empty_cells + "</row>"
    return xlsx_from_sheet(sheet_xml(rows, extra=wide))


def xlsx_bomb(*, uncompressed_bytes: int) -> bytes:
    """A valid sheet padded with whitespace up to ``uncompressed_bytes`` (a zip bomb)."""
    head = sheet_xml([["Objet"]])
    padding = " " * (uncompressed_bytes - len(head))
    return xlsx_from_sheet(head.replace("</worksheet>", padding + "</worksheet>"))
