from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Microentreprise / TPE")
    PME = "pme", _("PME")
    ETI = "eti", _("ETI")
    LARGE = "large", _("Grande entreprise")
    ARTISAN = "artisan", _("Artisan / indépendant")


class HeadcountBand(models.TextChoices):
    NONE = "0", _("Aucun salarié")
    B1_9 = "1-9", _("1 à 9 salariés")
    B10_49 = "10-49", _("10 à 49 salariés")
    B50_249 = "50-249", _("50 à 249 salariés")
    B250_PLUS = "250+", _("250 salariés et plus")


class TurnoverBand(models.TextChoices):
    LT_100K = "<100k", _("Moins de 100 k€")
    T100K_500K = "100k-500k", _("100 k€ à 500 k€")
    T500K_2M = "500k-2m", _("500 k€ à 2 M€")
    T2M_10M = "2m-10m", _("2 M€ à 10 M€")
    T10M_50M = "10m-50m", _("10 M€ à 50 M€")
    GT_50M = ">50m", _("Plus de 50 M€")


class EssStatus(models.TextChoices):
    NONE = "none", _("Aucun")
    SIAE = "siae", _("SIAE (insertion par l'activité économique)")
    EA = "ea", _("Entreprise adaptée (EA)")
    ESAT = "esat", _("ESAT")
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("Coopérative SCOP")
    SCIC = "scic", _("Coopérative SCIC")
    ESUS = "esus", _("Entreprise agréée ESUS")


class SiaeType(models.TextChoices):
    EI = "ei", _("Entreprise d'insertion (EI)")
    ACI = "aci", _("Atelier et chantier d'insertion (ACI)")
    AI = "ai", _("Association intermédiaire (AI)")
    ETTI = "etti", _("Entreprise de travail temporaire d'insertion (ETTI)")
    EITI = "eiti", _("Entreprise d'insertion par le travail indépendant (EITI)")
    GEIQ = "geiq", _("GEIQ")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscription reçue")
    TO_CALL = "to_call", _("À appeler")
    QUALIFIED = "qualified", _("Qualifiée")
    RETAINED = "retained", _("Retenue")
    WAITING_LIST = "waiting_list", _("Liste d'attente")
    NOT_RETAINED = "not_retained", _("Non retenue")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Joint·e")
    NO_ANSWER = "no_answer", _("Pas de réponse")
    WRONG_NUMBER = "wrong_number", _("Mauvais numéro")
    CALL_BACK = "call_back", _("À rappeler")


class TenderCapacity(models.TextChoices):
    """Can the company answer a public tender (dossier, guarantees, volumes)?"""

    YES = "yes", _("Oui, déjà répondu à des marchés publics")
    WITH_SUPPORT = "with_support", _("Oui, avec un accompagnement")
    NOT_YET = "not_yet", _("Pas encore (formation conseillée)")


class InterestLevel(models.TextChoices):
    HIGH = "high", _("Forte")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Faible")


class DocumentsReadiness(models.TextChoices):
    READY = "ready", _("Prêts (Kbis, attestations, références)")
    PARTIAL = "partial", _("Partiellement")
    NONE = "none", _("Pas prêts")
