"""French typography for documents and e-mails: times, dates, amounts. No Django model import."""

import datetime as dt
from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: thousands separator, before « ; ! ? »

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def fr_time(value: dt.time) -> str:
    """10 h 20, 9 h 00 (the same everywhere: PDFs, e-mails, change notices)."""
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


def fr_date(value: dt.date) -> str:
    """jeudi 9 avril 2026 (1er for the first day of the month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{DAYS[value.weekday()]} {day} {MONTHS[value.month - 1]} {value.year}"


def fr_amount(value) -> str:
    """50 000 € HT (narrow no-break space between thousands, no-break space before €)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    whole = f"{amount.quantize(Decimal(1)):,}".replace(",", NNBSP)
    return f"{whole}{NBSP}€{NBSP}HT"


def fr_quarter(quarter: int | None, year: int | None = None) -> str:
    """1er trimestre 2030, 3e trimestre (plain text; templates may superscript)."""
    if not quarter:
        return ""
    label = "1er trimestre" if int(quarter) == 1 else f"{int(quarter)}e trimestre"
    return f"{label} {year}" if year else label
