"""Meetings' steps on the staff dashboard: the schedule, then the invitations."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.enums import RegistrationStatus
from companies.models import Registration
from ellipse.core.dashboard import DashboardStep, register_dashboard_steps
from ellipse.editions.phase import EditionPhase
from ellipse.outbox.services import batch_counters

from .enums import MeetingStatus
from .models import Meeting


def _invitation_batch(edition) -> str | None:
    """The outbox batch of the edition's invitations (glue: the invitations app may move)."""
    try:
        from meetings.invitations.services import invitation_batch
    except ImportError:
        try:
            from invitations.services import invitation_batch
        except ImportError:
            return None
    return invitation_batch(edition)


def _invitations_url() -> str:
    try:
        return reverse("admin:outbox_invitations")
    except NoReverseMatch:
        return reverse("admin:index")


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
    published = edition.phase in (EditionPhase.SCHEDULE_PUBLISHED, EditionPhase.HELD)
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
    batch = _invitation_batch(edition)
    if batch is not None:
        sent = next(iter(batch_counters(batches=[batch])), None)
        if sent is None:
            summary = _("Aucune invitation envoyée.")
            todo = _("Envoyer les invitations et les agendas.") if published else ""
        else:
            summary = _(
                "%(sent)d invitations envoyées, %(pending)d en attente, %(failed)d en échec."
            ) % {
                "sent": sent["sent"],
                "pending": sent["pending"] + sent["sending"],
                "failed": sent["failed"],
            }
            todo = (
                ngettext(
                    "%(n)d invitation en échec à reprendre.",
                    "%(n)d invitations en échec à reprendre.",
                    sent["failed"],
                )
                % {"n": sent["failed"]}
                if sent["failed"]
                else ""
            )
        steps.append(
            DashboardStep(
                order=50,
                title=_("Invitations"),
                summary=summary,
                url=_invitations_url(),
                link_text=_("Envoyer et suivre les invitations"),
                todo=todo,
            )
        )
    return steps
