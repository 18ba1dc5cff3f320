"""Sourcing's e-mail in the outbox registry: the request for the meetings' outcomes."""

from django.utils.translation import gettext as _

from ellipse.core.params import parse_int
from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.registry import EmailTemplate, register


def outcome_request_sample(ref: str) -> dict:
    """``ref``: an outcome request id; empty: the latest one."""
    from .models import OutcomeRequest
    from .services import _context

    requests = OutcomeRequest.objects.select_related("edition", "company", "buyer")
    if ref:
        requests = requests.filter(pk=parse_int(ref, 0))
    request = requests.order_by("-sent_at", "-pk").first()
    if request is None:
        raise ValueError(_("Aucune demande de suites pour « %(ref)s ».") % {"ref": ref or "—"})
    party = request.company or request.buyer
    return _context(edition=request.edition, side=request.side, party=party)


register(
    EmailTemplate(
        name="sourcing/outcome_request",
        label="Suites des rendez-vous : demande et relance (lien signé, sans connexion)",
        category=EmailCategory.SERVICE,
        placeholders={
            "party_name": "Nom de l'entreprise ou de l'acheteur.",
            "edition_title": "Titre de l'édition.",
            "date_label": "Date de la convention, en toutes lettres.",
            "deadline_label": "Dernier jour pour répondre ou modifier ses réponses.",
            "url": "Lien signé vers le formulaire.",
            "reminder": "Vrai pour la relance d'une semaine après.",
        },
        sample=outcome_request_sample,
        ref_help="Numéro d'une demande de suites (vide : la dernière).",
    )
)
