from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("En échec")
    SKIPPED = "skipped", _("Non envoyé (désinscription)")


class EmailCategory(models.TextChoices):
    """Service messages are always sent; optional ones honour the recipient's opt-out."""

    SERVICE = "service", _("Messages de service")
    INVITATION = "invitation", _("Invitations et agendas")
    SCHEDULE = "schedule", _("Changements de planning")
    REMINDER = "reminder", _("Rappels avant la convention")
    NEWS = "news", _("Actualités, formations et ateliers")


OPTIONAL_CATEGORIES: frozenset[str] = frozenset({EmailCategory.REMINDER, EmailCategory.NEWS})
