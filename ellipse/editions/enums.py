from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    REGISTRATION_OPEN = "registration_open", _("Inscriptions ouvertes")
    REGISTRATION_CLOSED = "registration_closed", _("Inscriptions closes")
    SCHEDULE_PUBLISHED = "schedule_published", _("Planning publié")
    CLOSED = "closed", _("Terminée")
