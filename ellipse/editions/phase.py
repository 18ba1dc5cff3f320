"""An edition's phase (registrations open, closed, schedule published, convention held): the one
place that decides it, from the stored status, the dates and whether a schedule is public.

The base layer names no domain app: the app that owns meetings registers an expression telling
whether an edition's schedule is public (``register_schedule_published``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import EditionStatus


class EditionPhase(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    REGISTRATION_OPEN = "registration_open", _("Inscriptions ouvertes")
    REGISTRATION_CLOSED = "registration_closed", _("Inscriptions closes")
    SCHEDULE_PUBLISHED = "schedule_published", _("Planning publié")
    HELD = "held", _("Convention tenue")


#: Factories of boolean expressions, evaluated on an Edition queryset (``OuterRef("pk")`` is
#: the edition), true when some app considers the edition's schedule public.
_published_expressions: list[Callable[[], models.Expression | Q]] = []
#: Stamp namespaces (``ellipse.core.stamps``) that move whenever one of those expressions may
#: change its answer: the cached current edition (``editions.current``) is keyed on them.
_published_stamps: list[str] = []


def register_schedule_published(
    factory: Callable[[], models.Expression | Q], *, stamps: tuple[str, ...] = ()
) -> None:
    """Called by the app owning the schedule (in its ``AppConfig.ready``), with the stamp
    namespaces its writes bump."""
    if factory not in _published_expressions:
        _published_expressions.append(factory)
    _published_stamps.extend(name for name in stamps if name not in _published_stamps)


def schedule_published_stamps() -> tuple[str, ...]:
    return tuple(_published_stamps)


def schedule_published_expression() -> ExpressionWrapper:
    """Annotation: the edition says its schedule is published, or a registered app does."""
    condition = Q(status=EditionStatus.SCHEDULE_PUBLISHED)
    for factory in _published_expressions:
        condition |= Q(factory())
    return ExpressionWrapper(condition, output_field=BooleanField())


def edition_phase(
    edition, *, schedule_published: bool | None = None, now: dt.datetime | None = None
) -> EditionPhase:
    """The phase of ``edition``. ``schedule_published`` is read from the ``schedule_public``
    annotation of ``Edition.objects.with_phase()`` when present, else queried."""
    now = now or timezone.now()
    if edition.status == EditionStatus.DRAFT:
        return EditionPhase.PREPARATION
    if edition.status == EditionStatus.CLOSED or edition.date < timezone.localdate(now):
        return EditionPhase.HELD
    if edition.status == EditionStatus.SCHEDULE_PUBLISHED:
        schedule_published = True
    if schedule_published is None:
        schedule_published = getattr(edition, "schedule_public", None)
    if schedule_published is None:
        schedule_published = (
            type(edition)
            .objects.filter(pk=edition.pk)
            .with_phase()
            .values_list("schedule_public", flat=True)
            .first()
        ) or False
    if schedule_published:
        return EditionPhase.SCHEDULE_PUBLISHED
    if edition.status == EditionStatus.REGISTRATION_OPEN and now <= edition.registration_deadline:
        return EditionPhase.REGISTRATION_OPEN
    return EditionPhase.REGISTRATION_CLOSED
