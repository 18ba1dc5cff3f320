"""Celery tasks of spaser/: thin wrappers around the services, taking ids."""

from pathlib import Path

from celery import shared_task
from django.utils.translation import gettext as _

from .models import DecpImport, ImportStatus
from .services import decp_import

#: The key of the staff's DECP upload job: one import at a time (they write the same register).
DECP_JOB_KEY = "decp-import"


@shared_task(acks_late=True)
def decp_import_task(*, import_id: int, job_id: int | None = None) -> int | None:
    """Import an uploaded DECP file; progress is saved on the run after every 1,000 records
    and, with ``job_id``, on the background job the staff follow, which ends with the counts
    and the links to the report."""
    from ellipse.core.jobs import job_begin, job_fail, job_finish, job_progress

    run = DecpImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).first()
    if job_id is not None and not job_begin(job_id=job_id):
        return None
    if run is None or not run.upload:
        if job_id is not None:
            job_fail(job_id=job_id, error=_("Ce dépôt DECP est introuvable ou déjà traité."))
        return None

    def progress(current: DecpImport) -> None:
        if job_id is not None:
            job_progress(job_id=job_id, done=current.records, total=0)

    try:
        decp_import(path=Path(run.upload.path), run=run, dry_run=run.dry_run, on_progress=progress)
    except Exception as exc:  # an unreadable file: the run and the job say why
        if job_id is not None:
            job_fail(
                job_id=job_id,
                error=_("Fichier illisible : %(error)s")
                % {"error": f"{type(exc).__name__}: {exc}"},
            )
            return None
        raise
    if job_id is not None:
        job_progress(job_id=job_id, done=run.records, total=run.records)
        job_finish(job_id=job_id, result=decp_job_result(run))
    return run.pk


def decp_job_result(run: DecpImport) -> dict:
    """The end of the job page: the counts, then the report (list and CSV)."""
    from django.urls import reverse

    lines = [
        _(
            "%(records)d enregistrement(s) lu(s) : %(imported)d importé(s), %(warnings)d avec "
            "avertissements, %(unchanged)d déjà à jour, %(rejected)d rejeté(s)."
        )
        % {
            "records": run.records,
            "imported": run.imported,
            "warnings": run.with_warnings,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        }
    ]
    if run.dry_run:
        lines.append(_("Essai à blanc : le registre des marchés n'a pas été modifié."))
    links = [
        {
            "url": reverse("admin:spaser_decpimportrecord_changelist")
            + f"?run__id__exact={run.pk}",
            "label": _("Rapport de l'import, enregistrement par enregistrement"),
        },
        {
            "url": reverse("admin:spaser_decpimport_report", args=[run.pk]),
            "label": _("Rapport au format CSV"),
        },
    ]
    return {"lines": lines, "links": links, "import_id": run.pk}
