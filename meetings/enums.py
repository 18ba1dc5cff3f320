from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CANCELLED = "cancelled", _("Annulé")


class BuyerPreferenceKind(models.TextChoices):
    MUST_MEET = "must", _("Doit rencontrer")
    WONT_MEET = "wont", _("Ne souhaite pas rencontrer")
