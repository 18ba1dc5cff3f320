"""The invitations' e-mail templates in the outbox registry, with real-data previews."""

from django.utils.translation import gettext as _

from ellipse.editions.models import Edition
from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.registry import EmailTemplate, register

PLACEHOLDERS = {
    "edition_title": "Titre de l'édition.",
    "date_label": "Date de la convention, en toutes lettres (« jeudi 9 avril 2026 »).",
    "venue": "Lieu.",
    "venue_address": "Adresse du lieu.",
    "owner_kind": "« company » ou « buyer ».",
    "owner_name": "Nom de l'entreprise ou de l'organisation acheteuse.",
    "meetings": "Liste : start, end (« 10 h 20 »), with (l'autre partie), table.",
    "space_path": "Chemin du PDF dans l'espace (à préfixer de site_url).",
}


class PreviewError(Exception):
    pass


def _edition() -> Edition:
    from meetings.selectors import editions_with_published_schedule

    edition = (
        editions_with_published_schedule().order_by("-year").first() or Edition.objects.current()
    )
    if edition is None:
        raise PreviewError(_("Aucune édition : créez-en une pour prévisualiser."))
    return edition


def invitation_sample(ref: str) -> dict:
    """``ref``: "company:<id>" or "buyer:<id>"; empty: the first recipient of the edition."""
    from . import agendas
    from .selectors import invitation_recipients
    from .services import _mail_context

    edition = _edition()
    recipients, _missing = invitation_recipients(edition=edition)
    if ref:
        kind, _sep, pk = ref.partition(":")
        recipients = [r for r in recipients if r.kind == kind and str(r.owner_id) == pk]
    if not recipients:
        raise PreviewError(
            _("Aucun destinataire « %(ref)s » avec des rendez-vous publiés en %(year)s.")
            % {"ref": ref or "—", "year": edition.year}
        )
    recipient = recipients[0]
    builder = agendas.company_agendas if recipient.kind == "company" else agendas.buyer_agendas
    ids = [recipient.owner_id]
    key = "company_ids" if recipient.kind == "company" else "buyer_ids"
    agenda = builder(edition=edition, **{key: ids})[recipient.owner_id]
    return _mail_context(edition=edition, recipient=recipient, agenda=agenda)


def reminder_sample(ref: str) -> dict:
    return {**invitation_sample(ref), "days_before": 7, "requires_attachments": False}


def change_sample(ref: str) -> dict:
    context = invitation_sample(ref)
    first = context["meetings"][0] if context["meetings"] else {"start": "10 h 20", "with": "—"}
    context["changes"] = [
        _("Votre rendez-vous de %(start)s avec %(with)s est déplacé à 10 h 40.")
        % {"start": first["start"], "with": first["with"]}
    ]
    context["requires_attachments"] = False
    return context


REF_HELP = "« company:<id> » ou « buyer:<id> » ; vide : le premier destinataire de l'édition."

register(
    EmailTemplate(
        name="invitations/invitation",
        label="Invitation à la convention avec l'agenda personnel (PDF + ICS)",
        category=EmailCategory.INVITATION,
        placeholders=PLACEHOLDERS,
        sample=invitation_sample,
        ref_help=REF_HELP,
    )
)
register(
    EmailTemplate(
        name="invitations/reminder",
        label="Rappel 7 jours et 1 jour avant",
        category=EmailCategory.REMINDER,
        placeholders={**PLACEHOLDERS, "days_before": "7 ou 1."},
        sample=reminder_sample,
        ref_help=REF_HELP,
    )
)
register(
    EmailTemplate(
        name="invitations/schedule_change",
        label="Changement de planning après publication",
        category=EmailCategory.SCHEDULE,
        placeholders={**PLACEHOLDERS, "changes": "Liste de phrases décrivant chaque changement."},
        sample=change_sample,
        ref_help=REF_HELP,
    )
)
