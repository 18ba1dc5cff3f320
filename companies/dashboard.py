"""Companies' steps on the staff dashboard: registrations, qualification calls, selection."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ellipse.core.dashboard import DashboardStep, register_dashboard_steps
from ellipse.editions.phase import EditionPhase

from .enums import RegistrationStatus
from .models import Registration
from .selectors import registrations_to_call


@register_dashboard_steps
def company_steps(edition) -> list[DashboardStep]:
    S = RegistrationStatus
    counts = Registration.objects.filter(edition=edition).aggregate(
        total=Count("pk"),
        **{status.value: Count("pk", filter=Q(status=status.value)) for status in S},
    )
    due = registrations_to_call(edition=edition).filter(queue_rank__lte=1).count()
    registrations = reverse("admin:companies_registration_changelist")
    by_edition = f"{registrations}?edition__id__exact={edition.pk}"
    steps = [
        DashboardStep(
            order=10,
            title=_("Inscriptions"),
            summary=ngettext(
                "%(n)d entreprise inscrite.", "%(n)d entreprises inscrites.", counts["total"]
            )
            % {"n": counts["total"]},
            url=by_edition,
            link_text=_("Voir les inscriptions"),
            todo=_("Ouvrir les inscriptions de l'édition.")
            if edition.phase == EditionPhase.PREPARATION
            else "",
        ),
        DashboardStep(
            order=20,
            title=_("Appels de qualification"),
            summary=ngettext(
                "%(n)d entreprise à qualifier par téléphone, dont %(due)d à appeler maintenant.",
                "%(n)d entreprises à qualifier par téléphone, dont %(due)d à appeler maintenant.",
                counts[S.REGISTERED] + counts[S.TO_CALL],
            )
            % {"n": counts[S.REGISTERED] + counts[S.TO_CALL], "due": due},
            url=reverse("admin:companies_callqueueentry_changelist"),
            link_text=_("Ouvrir la file d'appels"),
            todo=ngettext("%(n)d appel à passer.", "%(n)d appels à passer.", due) % {"n": due}
            if due
            else "",
        ),
        DashboardStep(
            order=30,
            title=_("Sélection des entreprises"),
            summary=_(
                "%(retained)d retenues, %(qualified)d qualifiées en attente de décision, "
                "%(waiting)d sur liste d'attente, %(refused)d non retenues."
            )
            % {
                "retained": counts[S.RETAINED],
                "qualified": counts[S.QUALIFIED],
                "waiting": counts[S.WAITING_LIST],
                "refused": counts[S.NOT_RETAINED],
            },
            url=f"{by_edition}&status__exact={S.QUALIFIED.value}",
            link_text=_("Décider pour les entreprises qualifiées"),
            todo=ngettext(
                "%(n)d entreprise qualifiée attend une décision.",
                "%(n)d entreprises qualifiées attendent une décision.",
                counts[S.QUALIFIED],
            )
            % {"n": counts[S.QUALIFIED]}
            if counts[S.QUALIFIED]
            else "",
        ),
    ]
    return steps
