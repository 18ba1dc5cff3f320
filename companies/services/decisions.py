"""Decisions in bulk (retained, waiting list, not retained) as a background job.

Staff confirm on a page that says how many decision e-mails will leave; the job then moves each
registration in its own transaction (``registration_transition``: checked, recorded, e-mail
queued), reports progress, and ends with the counts and every refusal. The database refuses a
second active job for the same selection, so a double click never decides twice."""

import hashlib
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ellipse.core.jobs import job_advance, job_begin, job_create, job_fail, job_finish
from ellipse.core.models import BackgroundJob
from ellipse.core.queueing import task_enqueue_on_commit
from ellipse.editions.models import Edition

from ..enums import RegistrationStatus
from ..models import Registration
from ..selectors import schedule_published
from .selection import registration_transition, transition_refusal


def decision_job_key(*, registration_ids: Iterable[int], to_status: str) -> str:
    """The same selection and decision give the same key (the guard against double runs)."""
    ids = ",".join(str(i) for i in sorted({int(i) for i in registration_ids}))
    digest = hashlib.sha1(f"{to_status}:{ids}".encode(), usedforsecurity=False).hexdigest()
    return f"decisions-{digest[:24]}"


def decisions_plan(*, registrations: Iterable[Registration], to_status: str, reason: str = ""):
    """Split the selection before confirming: (registrations that will change and get an
    e-mail, refusals in French)."""
    allowed, refusals = [], []
    for registration in registrations:
        refusal = transition_refusal(registration=registration, to_status=to_status, reason=reason)
        if refusal:
            refusals.append(refusal)
        else:
            allowed.append(registration)
    return allowed, refusals


def decisions_job_start(
    *, registration_ids: Iterable[int], to_status: str, by, reason: str = ""
) -> BackgroundJob:
    """Record the job and queue its task after commit; ``JobAlreadyRunning`` when the same
    decision on the same selection is already under way."""
    from ..tasks import registrations_decide_task

    ids = sorted({int(i) for i in registration_ids})
    if not ids:
        raise ValidationError(_("Aucune inscription sélectionnée."), code="empty")
    label = _("Décision « %(status)s » pour %(n)d entreprise(s)") % {
        "status": RegistrationStatus(to_status).label,
        "n": len(ids),
    }
    with transaction.atomic():
        job = job_create(
            kind="decisions",
            key=decision_job_key(registration_ids=ids, to_status=to_status),
            label=label,
            by=by,
            total=len(ids),
            return_url=reverse("admin:companies_registration_changelist"),
        )
        task_enqueue_on_commit(
            registrations_decide_task,
            job_id=job.pk,
            registration_ids=ids,
            to_status=to_status,
            by_id=getattr(by, "pk", None),
            reason=reason,
        )
    return job


def decisions_job_run(
    *, job_id: int, registration_ids: list[int], to_status: str, by_id: int | None, reason: str
) -> str:
    """The task's body: one transition per registration, progress and refusals on the job."""
    if not job_begin(job_id=job_id, total=len(registration_ids)):
        return "already started"
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    changed = 0
    edition_ids: set[int] = set()
    try:
        registrations = Registration.objects.select_related("company", "edition").in_bulk(
            registration_ids
        )
        for pk in registration_ids:
            registration = registrations.get(pk)
            failure = ""
            if registration is None:
                failure = _("Inscription n° %(pk)s introuvable (supprimée ?).") % {"pk": pk}
            else:
                try:
                    registration_transition(
                        registration=registration, to_status=to_status, by=by, reason=reason
                    )
                except ValidationError as exc:
                    failure = " ".join(exc.messages)
                else:
                    changed += 1
                    edition_ids.add(registration.edition_id)
            job_advance(job_id=job_id, failure=failure)
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    label = RegistrationStatus(to_status).label
    lines = [
        _("%(n)d inscription(s) passée(s) à « %(status)s » ; %(n)d e-mail(s) de décision "
          "dans la file d'envoi.") % {"n": changed, "status": label},
        _("%(n)d refusée(s), inchangée(s).") % {"n": len(registration_ids) - changed},
    ]  # fmt: skip
    links = [
        {
            "url": reverse("admin:companies_registration_changelist")
            + f"?status__exact={to_status}",
            "label": _("Voir les inscriptions « %(status)s »") % {"status": label},
        }
    ]
    if to_status == RegistrationStatus.RETAINED and changed:
        for edition in Edition.objects.filter(pk__in=edition_ids):
            if schedule_published(edition=edition):
                lines.append(
                    _("Le planning de « %(edition)s » est déjà publié : les entreprises retenues "
                      "maintenant n'ont aucun rendez-vous ; complétez le planning (créneaux "
                      "libres seulement).") % {"edition": edition}
                )  # fmt: skip
                links.append(
                    {
                        "url": reverse("meetings:planning", args=[edition.year]),
                        "label": _("Ouvrir le planning %(year)s") % {"year": edition.year},
                    }
                )
    job_finish(job_id=job_id, result={"lines": lines, "links": links, "changed": changed})
    return "done"
