"""The companies' decision e-mail in the outbox registry, with a preview from real data."""

from django.utils.translation import gettext as _

from ellipse.core.params import parse_int
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
        changes = changes.filter(registration_id=parse_int(ref, 0))
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
            "schedule_published": "Vrai si le planning était déjà publié lors de la décision.",
        },
        sample=decision_sample,
        ref_help="Numéro d'une inscription (vide : la dernière décision).",
    )
)


register(
    EmailTemplate(
        name="companies/account_exists",
        label="Tentative d'inscription avec une adresse ou un SIRET qui a déjà un compte",
        category=EmailCategory.SERVICE,
        placeholders={
            "reason": "« email » (l'adresse a un compte) ou « siret » (l'entreprise en a un).",
            "company_name": "Nom de l'entreprise (cas « siret »).",
            "siret": "SIRET saisi (cas « siret »).",
            "edition_title": "Titre de l'édition.",
            "login_path": "Chemin de la page de connexion.",
            "reset_path": "Chemin de la page « mot de passe oublié ».",
        },
        sample=lambda ref: {
            "reason": "siret" if ref == "siret" else "email",
            "company_name": "Peintures de l'Est SARL",
            "siret": "73282932000074",
            "edition_title": "Portes ouvertes de la commande publique",
            "login_path": "/comptes/login/",
            "reset_path": "/comptes/password/reset/",
            "space_path": "/entreprises/espace/",
        },
        ref_help="« siret » pour le cas d'une entreprise déjà inscrite, vide sinon.",
    )
)
