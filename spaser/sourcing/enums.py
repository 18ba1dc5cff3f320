from django.db import models
from django.utils.translation import gettext_lazy as _


class StructureType(models.TextChoices):
    """The directory's structure filter, built on ``companies.enums.EssStatus`` / ``SiaeType``."""

    SIAE = "siae", _("SIAE (toutes)")
    SIAE_EI = "siae_ei", _("SIAE — entreprise d'insertion (EI)")
    SIAE_ACI = "siae_aci", _("SIAE — atelier et chantier d'insertion (ACI)")
    SIAE_AI = "siae_ai", _("SIAE — association intermédiaire (AI)")
    SIAE_ETTI = "siae_etti", _("SIAE — entreprise de travail temporaire d'insertion (ETTI)")
    EA_ESAT = "ea_esat", _("Entreprise adaptée (EA) ou ESAT")
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative (SCOP, SCIC)")
    ESUS = "esus", _("Entreprise agréée ESUS")
    OTHER = "other", _("Autre structure")


class Side(models.TextChoices):
    COMPANY = "company", _("Entreprise")
    BUYER = "buyer", _("Acheteur")


class OutcomeStatus(models.TextChoices):
    HELD = "held", _("Le rendez-vous a eu lieu")
    NOT_HELD = "not_held", _("Le rendez-vous n'a pas eu lieu")
    FOLLOW_UP = "follow_up", _("Une suite est prévue")
    NO_INTEREST = "no_interest", _("Pas d'intérêt")


class Absence(models.TextChoices):
    COMPANY = "company", _("L'entreprise était absente")
    BUYER = "buyer", _("L'acheteur était absent")
    BOTH = "both", _("Les deux étaient absents")


class FollowUp(models.TextChoices):
    QUOTE = "quote", _("Devis demandé")
    VISIT = "visit", _("Visite prévue")
    DOCUMENTS = "documents", _("Documents envoyés")
    CONTRACT = "contract", _("Marché en préparation")
