"""Meetings' step on the staff dashboard: the schedule (the invitations' step is theirs)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.core.dashboard import DashboardStep, register_dashboard_steps

from .enums import MeetingStatus
from .models import Meeting


@register_dashboard_steps
def meeting_steps(edition) -> list[DashboardStep]:
    active = Meeting.objects.filter(edition=edition).exclude(status=MeetingStatus.CANCELLED)
    counts = active.aggregate(
        total=Count("pk"),
        drafts=Count("pk", filter=Q(status=MeetingStatus.DRAFT)),
        published=Count("pk", filter=Q(status=MeetingStatus.PUBLISHED)),
    )
    retained = Registration.objects.filter(edition=edition, status=RegistrationStatus.RETAINED)
    without = retained.exclude(Exists(active.filter(company=OuterRef("company_id")))).count()
    if counts["total"] == 0:
        todo = _("Calculer le planning des rendez-vous.") if retained.exists() else ""
    elif counts["drafts"]:
        todo = ngettext(
            "Vérifier puis publier le planning (%(n)d rendez-vous en brouillon).",
            "Vérifier puis publier le planning (%(n)d rendez-vous en brouillon).",
            counts["drafts"],
        ) % {"n": counts["drafts"]}
    elif without:
        todo = ngettext(
            "%(n)d entreprise retenue n'a aucun rendez-vous : remplir les créneaux libres.",
            "%(n)d entreprises retenues n'ont aucun rendez-vous : remplir les créneaux libres.",
            without,
        ) % {"n": without}
    else:
        todo = ""
    steps = [
        DashboardStep(
            order=40,
            title=_("Planning des rendez-vous"),
            summary=_(
                "%(total)d rendez-vous (%(published)d publiés, %(drafts)d en brouillon) ; "
                "%(without)d entreprises retenues sans rendez-vous."
            )
            % {**counts, "without": without},
            url=reverse("meetings:planning", args=[edition.year]),
            link_text=_("Ouvrir la grille des rendez-vous"),
            todo=todo,
        )
    ]
    return steps
