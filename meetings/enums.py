from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CANCELLED = "cancelled", _("Annulé")


class BuyerPreferenceKind(models.TextChoices):
    MUST_MEET = "must", _("Doit rencontrer")
    WONT_MEET = "wont", _("Ne souhaite pas rencontrer")


class ScheduleRunStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class MeetingChangeKind(models.TextChoices):
    ADD = "add", _("Ajout")
    MOVE = "move", _("Déplacement")
    SWAP = "swap", _("Échange")
    CANCEL = "cancel", _("Annulation")
    LOCK = "lock", _("Verrouillage")
    UNLOCK = "unlock", _("Déverrouillage")


class ReasonKind(models.TextChoices):
    """The ``kind`` of an entry of ``Meeting.reasons`` (see docs/architecture.md)."""

    CPV = "cpv", _("Codes CPV")
    KEYWORD = "keyword", _("Mots-clés")
    COMPANY_WISH = "company_wish", _("Souhait de l'entreprise")
    BUYER_WISH = "buyer_wish", _("Souhait de l'acheteur")
    POLICY = "policy", _("Politique de la convention")
    MORE_CONTRACTS = "more", _("Autres marchés prévus")
    TEXT = "text", _("Texte libre (rendez-vous d'avant les raisons structurées)")


class ReasonPolicy(models.TextChoices):
    """The ``policy`` of a ``ReasonKind.POLICY`` reason."""

    MUTUAL = "mutual", _("Souhait réciproque")
    ESS = "ess", _("Économie sociale et solidaire")
    SMALL = "small", _("TPE et artisans")
    LOCAL = "local", _("Implantée sur le territoire")
