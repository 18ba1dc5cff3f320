"""The staff's selection of companies: status transitions (one or in bulk), the decision
e-mail, the cached matching scores, and retaining every qualified company above a score."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ellipse.core.stamps import stamp_bump
from ellipse.editions.models import Edition
from ellipse.outbox.services import email_enqueue

from .. import workflow
from ..enums import RegistrationStatus
from ..models import Registration, StatusChange
from ..selectors import REGISTRATIONS_STAMP, qualified_above, schedule_published
from ..suggestions import EditionContracts, edition_match_summaries

#: Training offer mentioned to companies not retained (and on the waiting list).
TRAINING_OFFER = (
    "Est Ensemble propose tout au long de l'année des formations gratuites pour se préparer "
    "à répondre aux marchés publics (dossier de candidature, mémoire technique, "
    "dématérialisation, groupements)."
)


def _label(status: str) -> str:
    return str(RegistrationStatus(status).label)


def transition_refusal(*, registration: Registration, to_status: str, reason: str) -> str | None:
    """Why this transition is refused, in French, or None when it is allowed."""
    if to_status not in RegistrationStatus.values:
        return _("Statut inconnu : %(status)s.") % {"status": to_status}
    if registration.status == to_status:
        return _("%(company)s est déjà au statut « %(status)s ».") % {
            "company": registration.company,
            "status": _label(to_status),
        }
    if not workflow.is_allowed(registration.status, to_status):
        return _("%(company)s : passage de « %(from)s » à « %(to)s » impossible.") % {
            "company": registration.company,
            "from": _label(registration.status),
            "to": _label(to_status),
        }
    if workflow.needs_reason(to_status) and not reason.strip():
        return _("%(company)s : un motif est obligatoire pour « %(to)s ».") % {
            "company": registration.company,
            "to": _label(to_status),
        }
    return None


def decision_context(registration: Registration, change: StatusChange) -> dict:
    """The decision e-mail's context (JSON-serialisable)."""
    company, edition = registration.company, registration.edition
    return {
        "registration_id": registration.pk,
        "company_name": str(company),
        "contact_name": company.contact_name,
        "edition_title": edition.title,
        "edition_year": edition.year,
        "date_label": date_format(edition.date, "l j F Y"),
        "venue": edition.venue,
        "status": change.to_status,
        "status_label": _label(change.to_status),
        "reason": change.reason,
        "training_offer": TRAINING_OFFER,
        # Retained once the schedule is out: told the truth, not "invitation coming soon".
        "schedule_published": schedule_published(edition=edition),
    }


def _decision_enqueue(registration: Registration, change: StatusChange) -> None:
    email_enqueue(
        to=registration.company.contact_email,
        template="companies/decision",
        context=decision_context(registration, change),
        category="service",
        dedup_key=f"decision-{registration.pk}-{change.to_status}-{change.pk}",
    )


def _apply(registration: Registration, *, to_status: str, by, reason: str) -> StatusChange:
    """Change a locked registration's status (already checked) and record the change."""
    now = timezone.now()
    change = StatusChange.objects.create(
        registration=registration,
        from_status=registration.status,
        to_status=to_status,
        reason=reason.strip(),
        changed_by=by,
        changed_at=now,
    )
    registration.status = to_status
    # The reason shown to the company is the decision's; it is kept only for decisions.
    registration.status_reason = reason.strip() if to_status in workflow.DECISIONS else ""
    registration.save(update_fields=["status", "status_reason", "updated_at"])
    if to_status in workflow.DECISIONS:
        _decision_enqueue(registration, change)
    return change


@transaction.atomic
def registration_transition(
    *, registration: Registration, to_status: str, by, reason: str = ""
) -> StatusChange:
    """Move one registration to ``to_status`` if the workflow allows it; records who and when.

    A decision (retained, waiting list, not retained) queues the decision e-mail after commit.
    Raises ``ValidationError`` (French) on a forbidden transition or a missing reason."""
    locked = (
        Registration.objects.select_for_update()
        .select_related("company", "edition")
        .get(pk=registration.pk)
    )
    refusal = transition_refusal(registration=locked, to_status=to_status, reason=reason)
    if refusal:
        raise ValidationError(refusal, code="transition_refused")
    change = _apply(locked, to_status=to_status, by=by, reason=reason)
    registration.status, registration.status_reason = locked.status, locked.status_reason
    return change


@transaction.atomic
def registrations_transition(
    *, registration_ids: Iterable[int], to_status: str, by, reason: str = ""
) -> list[StatusChange]:
    """The bulk version: all or nothing. If any registration refuses the transition, nothing
    changes and the ``ValidationError`` lists every refusal."""
    ids = sorted({int(i) for i in registration_ids})
    if not ids:
        raise ValidationError(_("Aucune inscription sélectionnée."), code="empty")
    locked = list(
        Registration.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("company", "edition")
        .order_by("pk")
    )
    refusals = [
        r
        for r in (
            transition_refusal(registration=reg, to_status=to_status, reason=reason)
            for reg in locked
        )
        if r
    ]
    if refusals:
        raise ValidationError(
            [_("Aucun changement enregistré. Refus :"), *refusals], code="transition_refused"
        )
    return [_apply(reg, to_status=to_status, by=by, reason=reason) for reg in locked]


@transaction.atomic
def registration_refresh_match(
    *, registration: Registration, contracts: EditionContracts | None = None
) -> Registration:
    """Recompute the cached best matching score and number of matching contracts."""
    registration = Registration.objects.select_related("company", "edition").get(pk=registration.pk)
    registration.match_score, registration.match_count = edition_match_summaries(
        edition=registration.edition, registrations=[registration], contracts=contracts
    )[registration.pk]
    registration.match_refreshed_at = timezone.now()
    registration.save(update_fields=["match_score", "match_count", "match_refreshed_at"])
    return registration


@transaction.atomic
def edition_refresh_matches(*, edition: Edition) -> int:
    """Recompute the cached scores of every registration of the edition; returns how many."""
    registrations = list(Registration.objects.filter(edition=edition).only("pk", "company_id"))
    summaries = edition_match_summaries(edition=edition, registrations=registrations)
    now = timezone.now()
    for registration in registrations:
        registration.match_score, registration.match_count = summaries[registration.pk]
        registration.match_refreshed_at = now
    # One parametrised UPDATE run as a batch (psycopg pipelines it): bulk_update's CASE
    # expressions cost seconds of Python at 5,000 rows.
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE companies_registration SET match_score = %s, match_count = %s, "
            "match_refreshed_at = %s WHERE id = %s",
            [(r.match_score, r.match_count, now, r.pk) for r in registrations],
        )
    stamp_bump(REGISTRATIONS_STAMP)  # raw SQL sends no signal
    return len(registrations)


@transaction.atomic
def edition_retain_above(*, edition: Edition, threshold: float, by) -> list[StatusChange]:
    """Retain every qualified company of the edition whose best score reaches ``threshold``
    (scores recomputed now); one transaction, one decision e-mail each."""
    if threshold <= 0:
        raise ValidationError(_("Le seuil doit être strictement positif."), code="threshold")
    ids = [r.pk for r in qualified_above(edition=edition, threshold=threshold)]
    if not ids:
        return []
    return registrations_transition(
        registration_ids=ids, to_status=RegistrationStatus.RETAINED, by=by
    )
