"""The companies' decision e-mail in the outbox registry, with a preview from real data."""

from django.utils.translation import gettext as _

from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.registry import EmailTemplate, register


def decision_sample(ref: str) -> dict:
    """``ref``: a registration id; empty: the latest decision recorded."""
    from .models import StatusChange
    from .services.selection import decision_context

    changes = StatusChange.objects.filter(
        to_status__in=["retained", "waiting_list", "not_retained"]
    ).select_related("registration__company", "registration__edition")
    if ref:
        changes = changes.filter(registration_id=ref if ref.isdigit() else 0)
    change = changes.order_by("-changed_at", "-pk").first()
    if change is None:
        raise ValueError(_("Aucune décision enregistrée pour « %(ref)s ».") % {"ref": ref or "—"})
    return decision_context(change.registration, change)


register(
    EmailTemplate(
        name="companies/decision",
        label="Décision de sélection (retenue, liste d'attente, non retenue)",
        category=EmailCategory.SERVICE,
        placeholders={
            "company_name": "Nom de l'entreprise.",
            "contact_name": "Nom du contact.",
            "edition_title": "Titre de l'édition.",
            "date_label": "Date de la convention, en toutes lettres.",
            "venue": "Lieu.",
            "status": "« retained », « waiting_list » ou « not_retained ».",
            "status_label": "Statut en français.",
            "reason": "Motif (obligatoire pour « non retenue »).",
            "training_offer": "Présentation de l'offre de formation.",
        },
        sample=decision_sample,
        ref_help="Numéro d'une inscription (vide : la dernière décision).",
    )
)
