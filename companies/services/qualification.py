"""Phone qualification by the staff: the call log and the qualification fields."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ellipse.core.stamps import stamp_bump

from ..enums import (
    CallOutcome,
    DocumentsReadiness,
    InterestLevel,
    RegistrationStatus,
    TenderCapacity,
)
from ..models import CallLog, Registration
from ..selectors import REGISTRATIONS_STAMP
from .selection import registration_transition

QUALIFICATION_FIELDS = ("tender_capacity", "real_interest", "needs", "documents_ready")
LAST_CALL_FIELDS = ("last_call_at", "last_call_outcome", "next_callback_at")


def registrations_last_call_refresh(*, registration_ids: Iterable[int]) -> None:
    """Copy each registration's latest call (by call time, then id) onto it, in one UPDATE:
    after a call is recorded, or calls written in bulk (demo, benchmarks). Without a call, the
    columns are emptied."""
    latest = CallLog.objects.filter(registration=OuterRef("pk")).order_by("-called_at", "-pk")
    Registration.objects.filter(pk__in=list(registration_ids)).update(
        last_call_at=Subquery(latest.values("called_at")[:1]),
        last_call_outcome=Coalesce(Subquery(latest.values("outcome")[:1]), Value("")),
        next_callback_at=Subquery(latest.values("callback_at")[:1]),
    )
    stamp_bump(REGISTRATIONS_STAMP)  # an UPDATE sends no signal


@transaction.atomic
def call_log_record(
    *,
    registration: Registration,
    by,
    outcome: str,
    callback_at: dt.datetime | None = None,
    notes: str = "",
    called_at: dt.datetime | None = None,
    topics=(),
) -> CallLog:
    """Record one call. A "call back" needs its date and time, the other outcomes none.

    A company still at "registered" enters the call queue ("to call") with its first call."""
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": _("Résultat d'appel inconnu.")})
    if outcome == CallOutcome.CALL_BACK and callback_at is None:
        raise ValidationError({"callback_at": _("Indiquez quand rappeler l'entreprise.")})
    if outcome != CallOutcome.CALL_BACK and callback_at is not None:
        raise ValidationError(
            {"callback_at": _("Une date de rappel n'a de sens que pour « À rappeler ».")}
        )
    # Locked first: two calls recorded at once for a company copy the right latest one.
    status = (
        Registration.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=registration.pk)
    )
    call = CallLog.objects.create(
        registration=registration,
        called_at=called_at or timezone.now(),
        called_by=by,
        outcome=outcome,
        callback_at=callback_at,
        notes=notes.strip(),
    )
    if topics:
        call.topics.set(topics)  # training needs heard on the phone (trainings invite on them)
    registrations_last_call_refresh(registration_ids=[registration.pk])
    registration.refresh_from_db(fields=LAST_CALL_FIELDS)
    if status == RegistrationStatus.REGISTERED:
        registration_transition(
            registration=registration, to_status=RegistrationStatus.TO_CALL, by=by
        )
    return call


@transaction.atomic
def registration_qualify(
    *,
    registration: Registration,
    by,
    tender_capacity: str,
    real_interest: str,
    documents_ready: str,
    needs: str = "",
    mark_qualified: bool = True,
) -> Registration:
    """Write the qualification fields (who and when included).

    With ``mark_qualified`` and the three assessments given, a registration still in the call
    pipeline (registered, to call) becomes "qualified"; a later status is left as it is."""
    errors = {}
    for name, value, choices in (
        ("tender_capacity", tender_capacity, TenderCapacity),
        ("real_interest", real_interest, InterestLevel),
        ("documents_ready", documents_ready, DocumentsReadiness),
    ):
        if value and value not in choices.values:
            errors[name] = _("Valeur inconnue.")
        elif not value and mark_qualified:
            errors[name] = _("Ce champ est obligatoire pour qualifier l'entreprise.")
    if errors:
        raise ValidationError(errors)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.tender_capacity = tender_capacity
    locked.real_interest = real_interest
    locked.documents_ready = documents_ready
    locked.needs = needs.strip()
    locked.qualified_by = by
    locked.qualified_at = timezone.now()
    locked.save(update_fields=[*QUALIFICATION_FIELDS, "qualified_by", "qualified_at", "updated_at"])
    if mark_qualified and locked.status in (
        RegistrationStatus.REGISTERED,
        RegistrationStatus.TO_CALL,
    ):
        registration_transition(registration=locked, to_status=RegistrationStatus.QUALIFIED, by=by)
    for name in (*QUALIFICATION_FIELDS, "qualified_by", "qualified_at", "status"):
        setattr(registration, name, getattr(locked, name))
    return registration
