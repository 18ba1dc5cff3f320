"""Reading a buyer's forecast file (XLSX or CSV) and writing the template and the exports.

Reading is tolerant of what buyers really send: CSV in UTF-8 (with or without BOM) or
Windows-1252, separated by ``;`` or ``,``; XLSX with the data on the « Prévisions » sheet (or the
first sheet). Empty lines are skipped but the spreadsheet's own line numbers are kept, so that a
message says « ligne 7 » where the buyer sees line 7.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ellipse.core.spreadsheets import (
    XLSX_MAGIC,
    SpreadsheetError,
    SpreadsheetLimits,
    neutralise_formula,
    read_rows,
    unneutralise_formula,
)

from .enums import ContractStatus, Procedure, Reservation, Visibility
from .resources import COLUMNS, HEADERS, canonical_header, normalise

DATA_SHEET = "Prévisions"
INSTRUCTIONS_SHEET = "Instructions"
VALUES_SHEET = "Valeurs autorisées"
FORMATS = ("xlsx", "csv")


@dataclass
class Table:
    headers: list[str]  # canonical French headers, in the file's order
    rows: list[list]  # values, one list per data row, aligned on headers
    line_numbers: list[int]  # spreadsheet line of each data row
    ignored_headers: list[str] = field(default_factory=list)


def guess_format(name: str, content: bytes) -> str:
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    return "csv"


def _read_lines(content: bytes, file_format: str, kind: str) -> list[tuple[int, list]]:
    """The project's bounded reader, with the limits of this kind of file."""
    return read_rows(
        content=content,
        file_format=file_format,
        limits=SpreadsheetLimits.from_settings(kind),
        sheet=DATA_SHEET,
        skip_sheets=(INSTRUCTIONS_SHEET, VALUES_SHEET),
    )


def read_table(*, content: bytes, file_format: str) -> Table:
    """The header line and the data rows of a forecast file; raises SpreadsheetError."""
    if file_format not in FORMATS:
        raise SpreadsheetError(_("Format non accepté : déposez un fichier XLSX ou CSV."))
    lines = _read_lines(content, file_format, "FORECAST")

    def blank(value) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    if not lines:
        raise SpreadsheetError(_("Le fichier est vide."))
    header_line, raw_headers = lines[0]
    keep: list[int] = []
    headers: list[str] = []
    ignored: list[str] = []
    for index, raw in enumerate(raw_headers):
        if blank(raw):
            continue
        canonical = canonical_header(raw)
        if canonical is None:
            ignored.append(str(raw).strip())
            continue
        if canonical in headers:
            raise SpreadsheetError(
                _("La colonne « %(h)s » figure deux fois (ligne %(n)s).")
                % {"h": canonical, "n": header_line}
            )
        keep.append(index)
        headers.append(canonical)
    missing = [c.header for c in COLUMNS if c.required and c.header not in headers]
    if missing:
        raise SpreadsheetError(
            _("Colonne obligatoire absente : %(cols)s (ligne d'en-tête %(n)s).")
            % {"cols": ", ".join(f"« {m} »" for m in missing), "n": header_line}
        )
    rows, numbers = [], []
    for number, row in lines[1:]:
        padded = list(row) + [None] * (len(raw_headers) - len(row))
        # Our exports protect text that a spreadsheet would run as a formula: undo it.
        rows.append([unneutralise_formula(padded[i]) for i in keep])
        numbers.append(number)
    return Table(headers=headers, rows=rows, line_numbers=numbers, ignored_headers=ignored)


# --- writing: template and exports ---

# The template's sample line: its reference marks it as an example, skipped on import, so that
# it can never replace a real line (whatever references the buyer uses).
EXAMPLE_REFERENCE = "EXEMPLE-1 (ligne ignorée)"


def is_example_reference(value) -> bool:
    """A reference beginning with « EXEMPLE » (any case, accents) marks a sample line."""
    return isinstance(value, str) and normalise(value).startswith("exemple")


EXAMPLE_ROW = {
    "Référence": EXAMPLE_REFERENCE,
    "Objet": "Entretien des espaces verts des écoles",
    "Description": "Tonte, taille et désherbage sans produits phytosanitaires, 12 sites.",
    "Code CPV principal": "77310000-6",
    "Codes CPV complémentaires": "77211400-6",
    "Montant estimé (€ HT)": "120 000,00",
    "Trimestre de publication": "T2",
    "Mois de publication": "4",
    "Démarrage prévu": "01/09/2027",
    "Durée (mois)": "36",
    "Procédure envisagée": str(Procedure.MAPA.label),
    "Marché réservé": "Non",
    "Clause sociale": "oui",
    "Heures d'insertion": "350",
    "Considération environnementale": "oui",
    "Achat innovant": "non",
    "Renouvellement": "oui",
    "Contact": "Service de la commande publique",
    "E-mail du contact": "commande.publique@exemple.fr",
    "Visibilité": str(Visibility.PUBLISHED.label),
    "Statut": str(ContractStatus.PUBLISHED.label),
    "Lots": "Lot écoles nord ; 77310000 ; 60 000 | Lot écoles sud ; 77310000 ; 60 000",
}


def allowed_values() -> list[tuple[str, list[str]]]:
    """(column, allowed values) for the instructions and the « Valeurs autorisées » sheet."""
    return [
        ("Procédure envisagée", [str(label) for label in Procedure.labels]),
        ("Marché réservé", [str(label) for label in Reservation.labels]),
        ("Visibilité", [str(label) for label in Visibility.labels]),
        ("Statut", [str(label) for label in ContractStatus.labels]),
        ("Trimestre de publication", ["T1", "T2", "T3", "T4"]),
        (
            "Clause sociale, Considération environnementale, Achat innovant, Renouvellement",
            ["oui", "non"],
        ),
    ]


def template_xlsx() -> bytes:
    """The forecast template: data sheet with the headers and an example, instructions, values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    data.append(HEADERS)
    data.append([EXAMPLE_ROW.get(h, "") for h in HEADERS])
    for cell in data[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(HEADERS, start=1):
        data.column_dimensions[data.cell(row=1, column=index).column_letter].width = max(
            14, min(40, len(header) + 4)
        )
    data.freeze_panes = "A2"

    values = workbook.create_sheet(VALUES_SHEET)
    for column_index, (column, allowed) in enumerate(allowed_values(), start=1):
        values.cell(row=1, column=column_index, value=column).font = Font(bold=True)
        for row_index, value in enumerate(allowed, start=2):
            values.cell(row=row_index, column=column_index, value=value)
    # Drop-down lists on the data sheet for the closed lists.
    letters = {h: data.cell(row=1, column=i).column_letter for i, h in enumerate(HEADERS, 1)}
    for column_index, (column, allowed) in enumerate(allowed_values()[:4], start=1):
        source = values.cell(row=1, column=column_index).column_letter
        validation = DataValidation(
            type="list",
            formula1=f"='{VALUES_SHEET}'!${source}$2:${source}${len(allowed) + 1}",
            allow_blank=True,
        )
        validation.error = _("Choisissez une valeur de la liste.")
        data.add_data_validation(validation)
        validation.add(f"{letters[column]}2:{letters[column]}2000")

    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET, 0)
    instructions.append([_("Prévisions d'achats — mode d'emploi")])
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.append([])
    for line in instructions_lines():
        instructions.append([line])
    instructions.append([])
    instructions.append([_("Colonne"), _("Obligatoire"), _("Contenu")])
    for cell in instructions[instructions.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        instructions.append([column.header, _("oui") if column.required else _("non"), column.help])
    instructions.append([])
    instructions.append([_("Valeurs autorisées")])
    instructions[instructions.max_row][0].font = Font(bold=True)
    for column, allowed in allowed_values():
        instructions.append([column, "", " ; ".join(allowed)])
    instructions.column_dimensions["A"].width = 36
    instructions.column_dimensions["B"].width = 12
    instructions.column_dimensions["C"].width = 100
    for row in instructions.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.active = workbook.index(data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instructions_lines() -> list[str]:
    return [
        _("1. Une ligne par marché prévu ; ne modifiez pas les en-têtes de colonnes."),
        _(
            "2. Colonnes obligatoires : Référence (peut rester vide), Objet, Code CPV principal. "
            "Les autres colonnes peuvent être supprimées : les lignes déjà déposées gardent "
            "alors leurs valeurs."
        ),
        _(
            "3. Redéposer le fichier met à jour les lignes de même référence au lieu de les "
            "dupliquer : gardez vos références d'une version à l'autre."
        ),
        _(
            "La ligne d'exemple (référence commençant par « EXEMPLE ») est ignorée à l'import : "
            "remplacez-la par vos lignes ou laissez-la, elle ne sera jamais enregistrée."
        ),
        _(
            "4. Montants en euros hors taxes (12 500,50) ; dates au format JJ/MM/AAAA ; "
            "trimestres T1 à T4."
        ),
        _(
            "5. Un aperçu montre chaque ligne (nouvelle, modifiée, inchangée, en erreur) avant "
            "tout enregistrement ; s'il reste une erreur, rien n'est enregistré."
        ),
        _("6. CSV accepté aussi : UTF-8 ou Windows-1252, séparateur « ; » ou « , »."),
    ]


def template_csv() -> bytes:
    """Headers and the example line, ``;``-separated UTF-8 with BOM (Excel opens it right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerow([EXAMPLE_ROW.get(h, "") for h in HEADERS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_to_xlsx(*, headers: list[str], rows, sheet: str = DATA_SHEET) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(sheet)
    data.append(headers)
    for row in rows:
        data.append([neutralise_formula(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_to_csv(*, headers: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise_formula(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_cpv_rows(*, content: bytes, name: str = "") -> list[tuple[str, str]]:
    """``(code, French label)`` pairs from the SIMAP file (XLSX or CSV: a ``CODE`` column and one
    column per language, ``FR`` taken) or from a CSV with ``code`` and ``libelle_fr`` columns."""
    file_format = guess_format(name, content)
    lines = [row for _n, row in _read_lines(content, file_format, "CPV")]
    if not lines:
        raise SpreadsheetError(_("Le fichier est vide."))
    headers = [str(h or "").strip().lower() for h in lines[0]]
    code_index = next((i for i, h in enumerate(headers) if h == "code"), None)
    label_index = next(
        (i for i, h in enumerate(headers) if h in ("fr", "libelle_fr", "libellé_fr", "libelle")),
        None,
    )
    if code_index is None or label_index is None:
        raise SpreadsheetError(
            _(
                "Colonnes introuvables : il faut une colonne « CODE » et une colonne « FR » "
                "(fichier SIMAP) ou « code » et « libelle_fr »."
            )
        )
    pairs = []
    for row in lines[1:]:
        row = list(row) + [None] * (len(headers) - len(row))
        code, label = row[code_index], row[label_index]
        if code in (None, "") or label in (None, ""):
            continue
        pairs.append((str(code).strip(), str(label).strip()))
    return pairs
