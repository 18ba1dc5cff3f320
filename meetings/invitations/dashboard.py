"""The invitations' step on the staff dashboard: sent, pending, failed, and what to do."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ellipse.core.dashboard import DashboardStep, register_dashboard_steps
from ellipse.editions.phase import EditionPhase
from ellipse.outbox.services import batch_counters

from .services import invitation_batch


@register_dashboard_steps
def invitation_steps(edition) -> list[DashboardStep]:
    published = edition.phase in (EditionPhase.SCHEDULE_PUBLISHED, EditionPhase.HELD)
    steps = []
    batch = invitation_batch(edition)
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
                url=reverse("admin:invitations_send"),
                link_text=_("Envoyer et suivre les invitations"),
                todo=todo,
            )
        )
    return steps
