"""``manage.py import_decp FILE [--dry-run]``: read a DECP file into the contracts register."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from spaser.models import RecordOutcome
from spaser.services import decp_import


class Command(BaseCommand):
    help = _(
        "Importe un fichier DECP (JSON v1/v2, XML v2, CSV consolidé) dans le registre des marchés."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Contrôle sans rien enregistrer.")
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": file})
        run = decp_import(path=file, dry_run=dry_run)
        for outcome in run.outcomes.filter(outcome=RecordOutcome.REJECTED).order_by("position"):
            message = outcome.messages[0]["message"] if outcome.messages else ""
            self.stderr.write(
                _("Rejeté : enregistrement n° %(pos)s, id « %(id)s », champ %(field)s : %(msg)s")
                % {
                    "pos": outcome.position,
                    "id": outcome.record_id,
                    "field": outcome.field,
                    "msg": message,
                }
            )
        self.stdout.write(
            _(
                "%(file)s : %(records)s lus, %(imported)s importés, "
                "%(warnings)s avec avertissements, "
                "%(unchanged)s déjà à jour, %(rejected)s rejetés%(dry)s."
            )
            % {
                "file": run.file_name,
                "records": run.records,
                "imported": run.imported,
                "warnings": run.with_warnings,
                "unchanged": run.unchanged,
                "rejected": run.rejected,
                "dry": _(" (essai à blanc : rien n'est enregistré)") if dry_run else "",
            }
        )
        if run.rejected:
            raise SystemExit(1)
