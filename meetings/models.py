"""Meetings of the morning: one buyer, one company, one slot of an edition."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerOrganisation
from companies.models import Company
from ellipse.editions.models import Edition

from .enums import BuyerPreferenceKind, MeetingStatus


class Meeting(models.Model):
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("édition")
    )
    buyer = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("acheteur"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("entreprise")
    )
    slot = models.PositiveSmallIntegerField(_("créneau"))
    score = models.FloatField(_("pertinence"), default=0)
    reasons = models.JSONField(
        _("raisons"),
        default=list,
        blank=True,
        help_text=_("Ce qui justifie le rendez-vous : marchés prévisionnels et correspondances."),
    )
    locked = models.BooleanField(_("verrouillé"), default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["edition", "buyer__name", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "buyer", "slot"],
                condition=~models.Q(status=MeetingStatus.CANCELLED),
                name="meeting_buyer_slot_unique",
            ),
            models.UniqueConstraint(
                fields=["edition", "company", "slot"],
                condition=~models.Q(status=MeetingStatus.CANCELLED),
                name="meeting_company_slot_unique",
            ),
            models.UniqueConstraint(
                fields=["edition", "buyer", "company"],
                condition=~models.Q(status=MeetingStatus.CANCELLED),
                name="meeting_pair_unique",
            ),
            models.CheckConstraint(condition=models.Q(slot__lt=24), name="meeting_slot_range"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} × {self.company} (créneau {self.slot + 1})"


class BuyerPreference(models.Model):
    """A buyer's wish about a company: must meet, or won't meet."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("acheteur"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="buyer_preferences",
        verbose_name=_("entreprise"),
    )
    kind = models.CharField(_("souhait"), max_length=4, choices=BuyerPreferenceKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("souhait d'un acheteur")
        verbose_name_plural = _("souhaits des acheteurs")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "buyer", "company"], name="buyer_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} — {self.get_kind_display()} — {self.company}"
