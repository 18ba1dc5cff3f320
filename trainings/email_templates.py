"""The trainings e-mails in the outbox registry, with previews from real participants."""

from django.utils.translation import gettext as _

from ellipse.core.params import parse_int
from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.registry import EmailTemplate, register

SESSION_PLACEHOLDERS = {
    "name": "Nom du participant.",
    "session_title": "Titre de la session.",
    "topic": "Thème.",
    "when": "Date et horaires, en toutes lettres.",
    "place": "Lieu (vide en visioconférence).",
    "video_url": "Lien de visioconférence (vide en présentiel).",
    "session_path": "Chemin de la page de la session.",
    "status": "« confirmed », « waiting », « offered »…",
}


def participant_sample(ref: str) -> dict:
    """``ref``: a participant id; empty: the latest registration."""
    from .models import Participant
    from .services import session_context

    participants = Participant.objects.select_related("session__topic").order_by("-pk")
    if ref:
        participants = participants.filter(pk=parse_int(ref, 0))
    participant = participants.first()
    if participant is None:
        raise ValueError(_("Aucun participant « %(ref)s ».") % {"ref": ref or "—"})
    return {
        **session_context(participant.session),
        "name": participant.name,
        "status": participant.status,
        "deadline": "",
        "confirm_path": "",
        "certificate_path": "",
        "survey_path": "",
        "days": 7,
    }


CATEGORIES = {"reminder": EmailCategory.REMINDER, "invitation": EmailCategory.NEWS}

for name, label, extra in [
    ("registered", "Formation : inscription confirmée ou liste d'attente", {}),
    (
        "offer",
        "Formation : place libérée proposée",
        {"deadline": "Date limite.", "confirm_path": "Lien signé de confirmation."},
    ),
    ("offer_expired", "Formation : proposition expirée", {}),
    ("reminder", "Formation : rappel J-7 et J-1", {"days": "7 ou 1."}),
    ("invitation", "Formation : invitation ciblée", {}),
    (
        "certificate",
        "Formation : attestation et questionnaire",
        {
            "certificate_path": "Lien signé de l'attestation.",
            "survey_path": "Lien signé du questionnaire.",
        },
    ),
]:
    register(
        EmailTemplate(
            name=f"trainings/{name}",
            label=label,
            category=CATEGORIES.get(name, EmailCategory.SERVICE),
            placeholders={**SESSION_PLACEHOLDERS, **extra},
            sample=participant_sample,
            ref_help="Numéro d'un participant (vide : le dernier inscrit).",
        )
    )
