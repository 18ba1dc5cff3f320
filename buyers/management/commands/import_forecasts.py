"""python manage.py import_forecasts FILE --organisation SIRET [--year YYYY] [--dry-run]"""

import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buyers.models import BuyerOrganisation
from buyers.services import forecast_import
from ellipse.editions.models import Edition


class Command(BaseCommand):
    help = (
        "Importe les prévisions d'achats d'une organisation (XLSX ou CSV). Rien n'est écrit "
        "s'il reste une erreur (code de sortie 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="SIRET de l'organisation")
        parser.add_argument("--year", type=int, help="année des prévisions (défaut : l'édition)")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")

    def handle(self, *args, file, organisation, year, dry_run, **options):
        siret = "".join(c for c in organisation if c.isdigit())
        org = BuyerOrganisation.objects.filter(siret=siret).first()
        if org is None:
            raise CommandError(
                _("Aucune organisation acheteuse avec le SIRET %(siret)s.")
                % {"siret": organisation}
            )
        if year is None:
            edition = Edition.objects.current()
            year = edition.year if edition else dt.date.today().year + 1
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(file)s") % {"file": file})
        report = forecast_import(organisation=org, year=year, file=path, dry_run=dry_run)
        for warning in report.warnings:
            self.stdout.write(warning)
        self.stdout.write(f"{org.name}, prévisions {year} : {report.summary()}")
        if report.has_errors:
            for line in report.error_lines():
                self.stderr.write(line)
            self.stderr.write("Rien n'a été enregistré.")
            sys.exit(1)
        if dry_run:
            self.stdout.write("Vérification seule (--dry-run) : rien n'a été enregistré.")
        else:
            self.stdout.write(self.style.SUCCESS("Import enregistré."))
