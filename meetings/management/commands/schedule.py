"""``python manage.py schedule YEAR``: compute (and save) an edition's schedule."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ellipse.editions.models import Edition
from meetings.services import DEFAULT_TIME_LIMIT, ScheduleError, edition_schedule


class Command(BaseCommand):
    help = "Calcule le planning des rendez-vous d'une édition et l'enregistre en brouillon."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Année de l'édition, par exemple 2025.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Calculer et résumer sans rien enregistrer."
        )
        parser.add_argument(
            "--fill-only",
            action="store_true",
            help="Ne remplir que les créneaux libres, sans déplacer aucun rendez-vous existant.",
        )
        parser.add_argument(
            "--no-keep-published",
            action="store_true",
            help="Recalculer aussi les rendez-vous publiés (les verrouillés restent en place).",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=DEFAULT_TIME_LIMIT,
            help="Temps de calcul maximal en secondes (défaut : %(default)s).",
        )

    def handle(self, *args, **options):
        edition = Edition.objects.filter(year=options["year"]).first()
        if edition is None:
            raise CommandError(
                _("Aucune édition pour l'année %(year)s.") % {"year": options["year"]}
            )
        try:
            report = edition_schedule(
                edition=edition,
                dry_run=options["dry_run"],
                fill_only=options["fill_only"],
                keep_published=not options["no_keep_published"],
                time_limit=options["time_limit"],
            )
        except ScheduleError as exc:
            raise CommandError(str(exc)) from exc
        prefix = (
            "Simulation (rien n'est enregistré) : " if report.dry_run else "Planning enregistré : "
        )
        self.stdout.write(prefix + report.summary())
