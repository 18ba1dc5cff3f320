"""Spreadsheets in and out, safely.

Out: neutralise formula injection in exported cells (OWASP CSV injection), and undo it on import.

In: ONE bounded reader for every spreadsheet the project reads (forecasts, CPV file, companies
import, admin imports). A file may lie about itself: an XLSX of a few kilobytes can declare a
sheet of a million rows and 16,384 columns, or hide a zip member of gigabytes. The reader
ignores the declared dimension, streams the sheet cell by cell (memory is one row at a time plus
the shared strings), stops at the row and column limits and refuses the file with a French
message naming the limit; a zip member whose uncompressed size is far above the upload limit is
refused before it is opened, and a CSV is read lazily, stopping at the row limit.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _looks_like_formula(text: str) -> bool:
    """A formula start, possibly behind quotes already (``=x``, ``'=x``, ``''=x``)."""
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise_formula(value):
    """Prefix a text cell that a spreadsheet would run as a formula with a quote (and a text
    that already looks protected, so that ``unneutralise_formula`` gives it back unchanged)."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def unneutralise_formula(value):
    """Undo ``neutralise_formula``: ``'=x`` read back as ``=x`` (any other value unchanged)."""
    if isinstance(value, str) and value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value


# --- Reading ---

XLSX_MAGIC = b"PK\x03\x04"


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (French message for the user)."""


@dataclass(frozen=True)
class SpreadsheetLimits:
    """How much of a file is read: data rows (header excluded), columns, and the uncompressed
    size of any member of an XLSX archive."""

    max_rows: int
    max_columns: int
    max_member_bytes: int

    @classmethod
    def from_settings(cls, kind: str = "IMPORT") -> "SpreadsheetLimits":
        """``ELLIPSE_<KIND>_MAX_ROWS`` / ``_MAX_COLUMNS`` (falling back on the IMPORT ones) and
        ``ELLIPSE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES``."""
        kind = kind.upper()
        return cls(
            max_rows=getattr(settings, f"ELLIPSE_{kind}_MAX_ROWS", None)
            or settings.ELLIPSE_IMPORT_MAX_ROWS,
            max_columns=getattr(settings, f"ELLIPSE_{kind}_MAX_COLUMNS", None)
            or settings.ELLIPSE_IMPORT_MAX_COLUMNS,
            max_member_bytes=settings.ELLIPSE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES,
        )


def _too_many_rows(limits: SpreadsheetLimits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Fichier trop long : %(max)s lignes de données au plus (plus la ligne d'en-tête). "
            "Découpez-le en plusieurs fichiers."
        )
        % {"max": f"{limits.max_rows:,}".replace(",", "\u202f")}
    )


def _too_many_columns(limits: SpreadsheetLimits, line: int) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Fichier trop large : %(max)s colonnes au plus (une valeur dépasse cette limite "
            "ligne %(line)s)."
        )
        % {"max": limits.max_columns, "line": line}
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decode_csv(content: bytes) -> str:
    """UTF-8 (BOM or not) first, then Windows-1252; anything else is refused."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8 ou Windows-1252.")
        ) from None


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    return ";" if first.count(";") >= first.count(",") else ","


def read_csv_rows(*, content: bytes, limits: SpreadsheetLimits) -> list[tuple[int, list]]:
    """``(line number, values)`` of the non-blank rows of a CSV file, read lazily: the reading
    stops as soon as the row limit is passed."""
    text = decode_csv(content)
    if "\x00" in text:
        raise SpreadsheetError(_("Ce fichier n'est pas un fichier CSV lisible."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    lines: list[tuple[int, list]] = []
    try:
        for row in reader:
            if all(_blank(v) for v in row):
                continue
            if len(lines) > limits.max_rows:
                raise _too_many_rows(limits)
            if len(row) > limits.max_columns:
                if any(not _blank(v) for v in row[limits.max_columns :]):
                    raise _too_many_columns(limits, reader.line_num)
                row = row[: limits.max_columns]
            lines.append((reader.line_num, row))
    except csv.Error as error:
        raise SpreadsheetError(_("Fichier CSV illisible : %(e)s") % {"e": error}) from None
    return lines


# XLSX: the SpreadsheetML parts read with the standard library's streaming XML parser.
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_ROW, _CELL, _VALUE, _INLINE = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}is"
_SHEET_DATA = f"{_NS}sheetData"


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _iterparse(source, events=("end",)):
    """The standard library's streaming parser (C accelerated). expat (≥ 2.4) refuses entity
    expansion bombs, ElementTree resolves no external entity, and a part that declares a DTD
    at all is refused before parsing (SpreadsheetML never has one)."""
    from xml.etree.ElementTree import iterparse

    head = source.peek(4096)[:4096] if hasattr(source, "peek") else b""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise SpreadsheetError(_("Ce fichier n'est pas un classeur XLSX lisible."))
    return iterparse(source, events=events)  # noqa: S314 (see above)


class _Workbook:
    """The parts of an XLSX archive needed to read values, each checked for its size first."""

    def __init__(self, content: bytes, limits: SpreadsheetLimits):
        if not content.startswith(XLSX_MAGIC):
            raise SpreadsheetError(_("Ce fichier n'est pas un classeur XLSX lisible."))
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise SpreadsheetError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from None
        self.limits = limits
        for info in infos:
            if info.file_size > limits.max_member_bytes:
                raise SpreadsheetError(
                    _(
                        "Classeur refusé : une fois décompressé, il dépasserait %(max)s Mo "
                        "(fichier anormal ou trop gros)."
                    )
                    % {"max": limits.max_member_bytes // (1024 * 1024)}
                )
        self.names = {info.filename for info in infos}

    def open(self, name: str):
        name = name.lstrip("/")
        if name not in self.names:
            raise SpreadsheetError(_("Ce fichier n'est pas un classeur XLSX lisible."))
        return self.archive.open(name)

    def sheets(self) -> dict[str, str]:
        """Sheet name → path of its XML part, in the workbook's order."""
        targets = {}
        with self.open("xl/_rels/workbook.xml.rels") as handle:
            for _event, element in _iterparse(handle):
                if element.tag == f"{_PKG_REL_NS}Relationship":
                    target = element.get("Target", "")
                    if not target.startswith("/"):
                        target = "xl/" + target
                    targets[element.get("Id")] = target.lstrip("/")
        sheets = {}
        with self.open("xl/workbook.xml") as handle:
            for _event, element in _iterparse(handle):
                if element.tag == f"{_NS}sheet":
                    target = targets.get(element.get(f"{_REL_NS}id"))
                    if target:
                        sheets[element.get("name", "")] = target
        if not sheets:
            raise SpreadsheetError(_("Ce classeur ne contient aucune feuille."))
        return sheets

    def shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.names:
            return []
        strings = []
        with self.open("xl/sharedStrings.xml") as handle:
            for _event, element in _iterparse(handle):
                if element.tag == f"{_NS}si":
                    strings.append(_text_of(element))
                    element.clear()
        return strings

    def date_styles(self) -> set[int]:
        """Indexes of the cell formats that show a number as a date."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        if "xl/styles.xml" not in self.names:
            return set()
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_cell_xfs = False
        with self.open("xl/styles.xml") as handle:
            for event, element in _iterparse(handle, events=("start", "end")):
                if element.tag == f"{_NS}cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and element.tag == f"{_NS}numFmt":
                    custom[int(element.get("numFmtId", 0))] = element.get("formatCode", "")
                elif event == "end" and element.tag == f"{_NS}xf" and in_cell_xfs:
                    formats.append(int(element.get("numFmtId", 0)))
        return {
            index
            for index, fmt_id in enumerate(formats)
            if is_date_format(custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General"))
        }


def _text_of(element) -> str:
    """The text of a string item (``<si>`` or ``<is>``), phonetic runs left out."""
    parts = []
    for child in element.iter():
        if child.tag == f"{_NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{_NS}rPh":
            break
    return "".join(parts)


def _cell_value(cell, strings: list[str], date_styles: set[int], epoch):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return _text_of(inline) if inline is not None else None
    value_element = cell.find(_VALUE)
    raw = value_element.text if value_element is not None else None
    if raw is None:
        return None
    if kind == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError):
            return None
    if kind in ("str", "e"):
        return raw
    if kind == "b":
        return raw.strip() == "1"
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw
    try:
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
    except ValueError:
        return raw
    if date_styles and int(cell.get("s", 0) or 0) in date_styles:
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number, epoch)
        except (OverflowError, ValueError):
            return number
    return number


def _sheet_rows(
    handle, *, strings, date_styles, epoch, limits: SpreadsheetLimits
) -> Iterator[tuple[int, list]]:
    """Stream ``(line, values)`` of the non-blank rows; each cell is dropped once read."""
    row_element = None
    line = 0
    column = 0
    values: dict[int, object] = {}
    max_columns = limits.max_columns
    for event, element in _iterparse(handle, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                row_element = element
                reference = element.get("r")
                line = int(reference) if reference and reference.isdigit() else line + 1
                column = 0
                values = {}
            continue
        if tag == _CELL:
            reference = element.get("r")
            match = _CELL_REF.match(reference) if reference else None
            column = _column_index(match.group(1)) if match else column + 1
            value = _cell_value(element, strings, date_styles, epoch)
            if value is not None and not (isinstance(value, str) and not value.strip()):
                if column > max_columns:
                    raise _too_many_columns(limits, line)
                values[column] = value
            if row_element is not None:
                row_element.remove(element)
            else:
                element.clear()
        elif tag == _ROW:
            if values:
                width = max(values)
                yield line, [values.get(i) for i in range(1, width + 1)]
            element.clear()
            row_element = None
        elif tag == _SHEET_DATA:
            element.clear()


def read_xlsx_rows(
    *,
    content: bytes,
    limits: SpreadsheetLimits,
    sheet: str | None = None,
    skip_sheets: tuple[str, ...] = (),
) -> list[tuple[int, list]]:
    """``(line number, values)`` of the non-blank rows of one sheet: ``sheet`` when present,
    else the first one not in ``skip_sheets``. Values are str, int, float, bool or datetime."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    workbook = _Workbook(content, limits)
    try:
        sheets = workbook.sheets()
        name = (
            sheet
            if sheet in sheets
            else next((n for n in sheets if n not in skip_sheets), next(iter(sheets)))
        )
        epoch = CALENDAR_WINDOWS_1900
        with workbook.open("xl/workbook.xml") as handle:
            for _event, element in _iterparse(handle):
                if element.tag == f"{_NS}workbookPr" and element.get("date1904") in ("1", "true"):
                    epoch = CALENDAR_MAC_1904
        strings = workbook.shared_strings()
        date_styles = workbook.date_styles()
        lines: list[tuple[int, list]] = []
        with workbook.open(sheets[name]) as handle:
            for line in _sheet_rows(
                handle, strings=strings, date_styles=date_styles, epoch=epoch, limits=limits
            ):
                if len(lines) > limits.max_rows:
                    raise _too_many_rows(limits)
                lines.append(line)
        return lines
    except SpreadsheetError:
        raise
    except Exception:  # a damaged archive or XML (ParseError, BadZipFile, KeyError...)
        raise SpreadsheetError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from None
    finally:
        workbook.archive.close()


def read_rows(
    *,
    content: bytes,
    file_format: str,
    limits: SpreadsheetLimits,
    sheet: str | None = None,
    skip_sheets: tuple[str, ...] = (),
) -> list[tuple[int, list]]:
    """The bounded reader for XLSX and CSV: ``(line number, values)`` of the non-blank rows,
    the header first. Raises ``SpreadsheetError`` (French message)."""
    if file_format == "xlsx":
        return read_xlsx_rows(content=content, limits=limits, sheet=sheet, skip_sheets=skip_sheets)
    if file_format == "csv":
        return read_csv_rows(content=content, limits=limits)
    raise SpreadsheetError(_("Format non accepté : déposez un fichier XLSX ou CSV."))


def read_dataset(*, content: bytes, file_format: str, limits: SpreadsheetLimits | None = None):
    """A ``tablib.Dataset`` (header + rows, padded to the header's width) read by the bounded
    reader, for django-import-export (the resources undo the formula protection of our exports)."""
    import tablib

    limits = limits or SpreadsheetLimits.from_settings()
    lines = read_rows(content=content, file_format=file_format, limits=limits)
    if not lines:
        return tablib.Dataset()
    headers = [str(h).strip() if h is not None else "" for h in lines[0][1]]
    width = len(headers)
    rows = []
    for _line, values in lines[1:]:
        values = list(values[:width])
        rows.append(tuple(values + [None] * (width - len(values))))
    return tablib.Dataset(*rows, headers=headers)
