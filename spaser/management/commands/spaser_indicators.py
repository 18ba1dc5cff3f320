"""``manage.py spaser_indicators --year YYYY [--buyer SIRET] --format json|csv``."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from spaser.groups import group_prefixes
from spaser.indicators import AMOUNT_KEYS, COMMAND_KEYS, as_json_ready
from spaser.selectors import register_indicators


class Command(BaseCommand):
    help = _("Affiche les indicateurs du registre des marchés pour une année (JSON ou CSV).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--buyer", default=None, help=_("SIRET de l'acheteur (ou SIREN, ou groupe).")
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, year: int, buyer: str | None, format: str, **options):
        try:
            prefixes = group_prefixes(buyer)
        except ValueError as exc:
            raise CommandError(
                _("Acheteur inconnu : %(value)s (SIRET de 14 chiffres attendu).") % {"value": buyer}
            ) from exc
        figures = as_json_ready(register_indicators(year=year, prefixes=prefixes))
        values = {"year": year, "buyer": buyer or None, **figures}
        row = {key: values[key] for key in COMMAND_KEYS}
        if format == "json":
            self.stdout.write(json.dumps(row, ensure_ascii=False))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=list(COMMAND_KEYS), lineterminator="\n")
        writer.writeheader()
        writer.writerow({k: _cell(k, v) for k, v in row.items()})


def _cell(key: str, value) -> str:
    if value is None:
        return ""
    if key in AMOUNT_KEYS:
        return f"{value:.2f}"
    return str(value)
