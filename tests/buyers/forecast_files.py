"""Forecast files for the tests, built in memory (CSV in several encodings, XLSX)."""

import csv
import io

from buyers.resources import HEADERS

BASE = {
    "Référence": "2031-001",
    "Objet": "Entretien des espaces verts",
    "Description": "Tonte et taille, 12 sites.",
    "Code CPV principal": "77310000-6",
    "Codes CPV complémentaires": "",
    "Montant estimé (€ HT)": "120 000,50",
    "Trimestre de publication": "T2",
    "Mois de publication": "",
    "Démarrage prévu": "15/09/2031",
    "Durée (mois)": "36",
    "Procédure envisagée": "Procédure adaptée (MAPA)",
    "Marché réservé": "Non",
    "Clause sociale": "oui",
    "Heures d'insertion": "350",
    "Considération environnementale": "oui",
    "Achat innovant": "non",
    "Renouvellement": "non",
    "Contact": "Service achats",
    "E-mail du contact": "achats@exemple.fr",
    "Visibilité": "Publiée aux entreprises",
    "Statut": "Publiée",
    "Lots": "",
}


def row(**changes) -> dict:
    """A good row; keyword arguments use the French headers with spaces as underscores."""
    values = dict(BASE)
    for key, value in changes.items():
        header = next((h for h in HEADERS if h == key or _key(h) == key), None)
        assert header is not None, key
        values[header] = value
    return values


def _key(header: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in header)


def csv_bytes(rows: list[dict], *, delimiter=";", encoding="utf-8", headers=None) -> bytes:
    headers = headers or HEADERS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], headers=None, sheet="Prévisions") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    data = workbook.active
    data.title = sheet
    data.append(headers or HEADERS)
    for values in rows:
        data.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
