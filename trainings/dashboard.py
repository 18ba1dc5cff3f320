"""Trainings' step on the staff dashboard: the coming sessions, their seats and waiting lists,
the edition's afternoon workshops."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ellipse.core.dashboard import DashboardStep, register_dashboard_steps

from .selectors import catalogue


@register_dashboard_steps
def training_steps(edition) -> list[DashboardStep]:
    sessions = list(catalogue().values("capacity", "seats_taken", "waiting_count", "edition_id"))
    workshops = sum(1 for s in sessions if s["edition_id"] == edition.pk)
    free = sum(max(s["capacity"] - s["seats_taken"], 0) for s in sessions)
    waiting = sum(s["waiting_count"] for s in sessions)
    filling = catalogue().filter(seats_taken__lt=F("capacity") / 2).count()
    todo = (
        ngettext(
            "%(n)d session à venir est remplie à moins de moitié : inviter les entreprises "
            "intéressées.",
            "%(n)d sessions à venir sont remplies à moins de moitié : inviter les entreprises "
            "intéressées.",
            filling,
        )
        % {"n": filling}
        if filling
        else ""
    )
    return [
        DashboardStep(
            order=60,
            title=_("Formations et ateliers"),
            summary=_(
                "%(sessions)d sessions à venir (dont %(workshops)d ateliers de l'après-midi), "
                "%(free)d places libres, %(waiting)d personnes en liste d'attente."
            )
            % {
                "sessions": len(sessions),
                "workshops": workshops,
                "free": free,
                "waiting": waiting,
            },
            url=reverse("admin:trainings_session_changelist"),
            link_text=_("Gérer les sessions"),
            todo=todo,
        )
    ]
