"""python manage.py load_cpv FILE — the CPV nomenclature from the SIMAP file or a French CSV."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buyers.services import cpv_load_file
from buyers.spreadsheets import SpreadsheetError


class Command(BaseCommand):
    help = (
        "Charge la nomenclature CPV : fichier officiel SIMAP (cpv_2008_ver_2013.xlsx ou .csv, "
        "colonnes CODE et FR) ou CSV à colonnes code et libelle_fr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            count = cpv_load_file(path=file)
        except FileNotFoundError:
            raise CommandError(_("Fichier introuvable : %(file)s") % {"file": file}) from None
        except (SpreadsheetError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} codes CPV chargés."))
