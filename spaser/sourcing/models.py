"""What came of each meeting: one answer per side, and the requests sent to each party."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerOrganisation
from companies.models import Company
from ellipse.editions.models import Edition
from meetings.models import Meeting

from .enums import Absence, FollowUp, OutcomeStatus, Side


class MeetingOutcome(models.Model):
    """One side's account of a meeting (the company's or the buyer's), editable for a while."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("rendez-vous")
    )
    side = models.CharField(_("côté"), max_length=8, choices=Side.choices)
    status = models.CharField(_("suite"), max_length=12, choices=OutcomeStatus.choices)
    absence = models.CharField(_("absence de"), max_length=8, choices=Absence.choices, blank=True)
    follow_ups = models.JSONField(
        _("suites prévues"), default=list, blank=True, help_text=_("Codes de FollowUp.")
    )
    comment = models.TextField(_("commentaire"), blank=True)
    answered_by = models.EmailField(_("répondu par"), blank=True)
    created_at = models.DateTimeField(_("répondu le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("suite d'un rendez-vous")
        verbose_name_plural = _("suites des rendez-vous")
        ordering = ["meeting", "side"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "side"], name="outcome_one_per_side"),
            models.CheckConstraint(
                condition=models.Q(status=OutcomeStatus.NOT_HELD) | models.Q(absence=""),
                name="outcome_absence_only_when_not_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.get_side_display()} : {self.get_status_display()}"

    @property
    def follow_up_labels(self) -> list[str]:
        return [str(FollowUp(f).label) for f in self.follow_ups if f in FollowUp.values]


class OutcomeRequest(models.Model):
    """The signed link sent to one contact of one party after an edition (for the reminder)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("édition")
    )
    side = models.CharField(_("côté"), max_length=8, choices=Side.choices)
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entreprise"),
    )
    buyer = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acheteur"),
    )
    email = models.EmailField(_("destinataire"))
    sent_at = models.DateTimeField(_("envoyée le"))
    reminded_at = models.DateTimeField(_("relancée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de suites")
        verbose_name_plural = _("demandes de suites")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "company", "email"],
                condition=models.Q(side=Side.COMPANY),
                name="outcome_request_company_unique",
            ),
            models.UniqueConstraint(
                fields=["edition", "buyer", "email"],
                condition=models.Q(side=Side.BUYER),
                name="outcome_request_buyer_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(side=Side.COMPANY, company__isnull=False, buyer__isnull=True)
                    | models.Q(side=Side.BUYER, buyer__isnull=False, company__isnull=True)
                ),
                name="outcome_request_one_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_side_display()})"


class SearchDocument(models.Model):
    """A company's full-text vector for the directory (PostgreSQL only).

    Kept by a database trigger on ``companies_company`` (migration 0002), so every write path —
    admin, imports, services, raw SQL — keeps it right without the companies app knowing; the
    vector uses the ``french_unaccent`` configuration (French stemming, accents ignored). Its GIN
    index is created by the same migration (PostgreSQL only, so SQLite still migrates).
    """

    company = models.OneToOneField(
        Company,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("entreprise"),
    )
    document = SearchVectorField(_("texte indexé"))

    class Meta:
        verbose_name = _("index de recherche d'une entreprise")
        verbose_name_plural = _("index de recherche des entreprises")

    def __str__(self) -> str:
        return str(self.company_id)
