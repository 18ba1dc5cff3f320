from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    EPT = "ept", _("Établissement public territorial")
    COMMUNE = "commune", _("Commune")
    DEPARTEMENT = "departement", _("Département")
    ETAT = "etat", _("Services de l'État")
    HOPITAL = "hopital", _("Hôpital")
    BAILLEUR = "bailleur", _("Bailleur social")
    OTHER_PUBLIC = "other_public", _("Autre acheteur public")
    PRIVATE = "private", _("Acheteur privé")


class Procedure(models.TextChoices):
    MAPA_SMALL = "mapa_small", _("Marché sans publicité ni mise en concurrence (< 40 k€ HT)")
    MAPA = "mapa", _("Procédure adaptée (MAPA)")
    OPEN = "open", _("Appel d'offres ouvert")
    RESTRICTED = "restricted", _("Appel d'offres restreint")
    NEGOTIATED = "negotiated", _("Procédure avec négociation")
    DIALOGUE = "dialogue", _("Dialogue compétitif")
    FRAMEWORK = "framework", _("Accord-cadre (marchés subséquents)")
    OTHER = "other", _("Autre")


class Reservation(models.TextChoices):
    NONE = "none", _("Non réservé")
    SIAE = "siae", _("Réservé aux SIAE")
    EA_ESAT = "ea_esat", _("Réservé aux EA et ESAT")
    ESS = "ess", _("Réservé aux entreprises de l'ESS")


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("Publiée aux entreprises")
    STAFF = "staff", _("Réservée à l'équipe Ellipse")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    LAUNCHED = "launched", _("Consultation lancée")
    AWARDED = "awarded", _("Attribuée")
    ABANDONED = "abandoned", _("Abandonnée")


class CpvLevel(models.IntegerChoices):
    DIVISION = 2, _("Division")
    GROUP = 3, _("Groupe")
    CLASS = 4, _("Classe")
    CATEGORY = 5, _("Catégorie")
    SUBCATEGORY = 6, _("Sous-catégorie")
    DETAIL = 7, _("Détail")
    FULL = 8, _("Code complet")
