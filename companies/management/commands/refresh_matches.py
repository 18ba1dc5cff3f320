"""``manage.py refresh_matches [--year 2027]``: recompute the cached matching scores of every
registration of an edition (default: the current one)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from companies.services.selection import edition_refresh_matches
from ellipse.editions.models import Edition


class Command(BaseCommand):
    help = "Recalcule les scores de correspondance des inscriptions d'une édition."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Année de l'édition (défaut : en cours).")

    def handle(self, *args, year=None, **options):
        if year is None:
            edition = Edition.objects.current()
        else:
            edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(_("Aucune édition trouvée."))
        count = edition_refresh_matches(edition=edition)
        self.stdout.write(f"{edition} : {count} score(s) recalculé(s).")
