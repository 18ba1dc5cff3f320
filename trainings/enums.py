"""Choices of the trainings app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    COMPANIES = "companies", _("Entreprises")
    AGENTS = "agents", _("Agents et élus")
    BOTH = "both", _("Entreprises, agents et élus")


class ParticipantKind(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    AGENT = "agent", _("Agent")
    OFFICIAL = "official", _("Élu·e")


class ParticipantStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit·e")
    OFFERED = "offered", _("Place proposée")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulé")
    EXPIRED = "expired", _("Proposition expirée")


# Statuses that hold a seat (a numbered one); an offered seat is kept for its person until the
# offer expires.
SEATED = (ParticipantStatus.CONFIRMED, ParticipantStatus.OFFERED)
ACTIVE = (*SEATED, ParticipantStatus.WAITING)


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Non renseigné")
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Excusé·e")


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Écartée")
