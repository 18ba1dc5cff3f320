from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    COMPANY_AGENDA = "company_agenda", _("Agenda d'une entreprise (PDF)")
    BUYER_AGENDA = "buyer_agenda", _("Agenda d'un acheteur (PDF)")
    COMPANY_ICS = "company_ics", _("Calendrier d'une entreprise (ICS)")
    BUYER_ICS = "buyer_ics", _("Calendrier d'un acheteur (ICS)")
    BOOKLET = "booklet", _("Livret de l'équipe (PDF)")
