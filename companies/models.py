"""Companies (one per SIRET), their people, and their registration to each edition."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from buyers.models import BuyerOrganisation, CpvCode, PlannedContract
from ellipse.core.siret import siret_validate
from ellipse.editions.models import Edition

from .enums import (
    CallOutcome,
    DocumentsReadiness,
    EssStatus,
    HeadcountBand,
    InterestLevel,
    RegistrationStatus,
    SiaeType,
    SizeClass,
    TenderCapacity,
    TurnoverBand,
)


class Company(models.Model):
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[siret_validate])
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    trade_name = models.CharField(_("nom commercial"), max_length=200, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=80, blank=True)
    creation_year = models.PositiveSmallIntegerField(
        _("année de création"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    headcount_band = models.CharField(
        _("effectif"), max_length=10, choices=HeadcountBand.choices, blank=True
    )
    turnover_band = models.CharField(
        _("chiffre d'affaires"), max_length=10, choices=TurnoverBand.choices, blank=True
    )
    size_class = models.CharField(_("catégorie"), max_length=10, choices=SizeClass.choices)
    ess_status = models.CharField(
        _("statut ESS"), max_length=12, choices=EssStatus.choices, default=EssStatus.NONE
    )
    siae_type = models.CharField(
        _("type de SIAE"), max_length=6, choices=SiaeType.choices, blank=True
    )
    labels = models.TextField(_("labels et certifications"), blank=True)
    # Address
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120)
    is_local = models.BooleanField(
        _("implantée dans Est Ensemble"),
        default=False,
        help_text=_("Calculé d'après la commune : l'une des 9 villes d'Est Ensemble."),
    )
    work_area = models.CharField(_("zone d'intervention"), max_length=200, blank=True)
    # Activity
    description = models.TextField(_("activité"), blank=True)
    naf_code = models.CharField(_("code NAF"), max_length=6, blank=True)
    cpv_codes = models.ManyToManyField(
        CpvCode, blank=True, related_name="companies", verbose_name=_("catégories d'achat (CPV)")
    )
    keywords = models.CharField(_("mots-clés"), max_length=400, blank=True)
    references = models.TextField(_("références"), blank=True)
    # Buyers' directory (spaser.sourcing): off until the company says yes; null: not asked yet.
    directory_consent = models.BooleanField(
        _("figurer dans l'annuaire des acheteurs"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Les acheteurs connectés voient votre fiche et votre contact ; vous pouvez changer "
            "d'avis à tout moment dans votre espace."
        ),
    )
    directory_consent_at = models.DateTimeField(
        _("choix de l'annuaire fait le"), null=True, blank=True
    )
    # Contact
    contact_name = models.CharField(_("nom du contact"), max_length=120)
    contact_role = models.CharField(_("fonction du contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"))
    contact_phone = PhoneNumberField(_("téléphone du contact"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siret__regex=r"^[0-9]{14}$"), name="company_siret_14_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_ess(self) -> bool:
        return self.ess_status != EssStatus.NONE

    @property
    def is_small(self) -> bool:
        return self.size_class in (SizeClass.MICRO, SizeClass.ARTISAN)


class CompanyMembership(models.Model):
    """A user belongs to at most one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_membership",
        verbose_name=_("utilisateur"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("entreprise"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'une entreprise")
        verbose_name_plural = _("membres des entreprises")

    def __str__(self) -> str:
        return f"{self.user} — {self.company}"


class Topic(models.Model):
    """A training topic (answering a tender, electronic signature, social clauses, ...).

    Used by training sessions, by the registration's training needs and by qualification calls.
    ``keywords`` (comma-separated) let free text (needs, call notes) be recognised as the topic.
    """

    name = models.CharField(_("thème"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("mots-clés"),
        max_length=400,
        blank=True,
        help_text=_("Séparés par des virgules : repérés dans les besoins et notes d'appel."),
    )
    is_active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        verbose_name = _("thème de formation")
        verbose_name_plural = _("thèmes de formation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def terms(self) -> list[str]:
        """The name and the keywords, lower-case, to look for in free text."""
        return [self.name.lower()] + [
            k.strip().lower() for k in self.keywords.split(",") if k.strip()
        ]


class Registration(models.Model):
    """A company's registration to one edition: its intentions and its selection status."""

    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("édition"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("entreprise"),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
        db_index=True,
    )
    status_reason = models.TextField(_("motif"), blank=True)
    wants_cocontracting = models.BooleanField(_("intéressée par la cotraitance"), default=False)
    wants_subcontracting = models.BooleanField(_("intéressée par la sous-traitance"), default=False)
    available_slots = models.JSONField(
        _("créneaux disponibles"),
        default=list,
        blank=True,
        help_text=_("Numéros des créneaux (à partir de 0) ; vide : toute la matinée."),
    )
    workshops = models.TextField(_("ateliers souhaités"), blank=True)
    training_needs = models.TextField(_("besoins de formation"), blank=True)
    training_topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="registrations",
        verbose_name=_("thèmes de formation souhaités"),
    )
    accessibility_needs = models.TextField(_("besoins d'accessibilité"), blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    # Phone qualification by the staff (companies.services.qualification).
    tender_capacity = models.CharField(
        _("capacité à répondre aux marchés"),
        max_length=16,
        choices=TenderCapacity.choices,
        blank=True,
    )
    real_interest = models.CharField(
        _("intérêt réel"), max_length=8, choices=InterestLevel.choices, blank=True
    )
    needs = models.TextField(_("besoins exprimés"), blank=True)
    documents_ready = models.CharField(
        _("pièces administratives"), max_length=8, choices=DocumentsReadiness.choices, blank=True
    )
    qualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("qualifiée par"),
    )
    qualified_at = models.DateTimeField(_("qualifiée le"), null=True, blank=True)
    # Best matching score against the edition's published planned contracts, cached by
    # companies.services.selection.registration_refresh_match (sortable in the admin list).
    match_score = models.FloatField(_("meilleur score"), null=True, blank=True, db_index=True)
    match_count = models.PositiveIntegerField(_("marchés correspondants"), default=0)
    match_refreshed_at = models.DateTimeField(_("scores calculés le"), null=True, blank=True)
    # The latest call (by call time, then id), copied from the call log by
    # companies.services.qualification.registrations_last_call_refresh whenever a call is
    # recorded: the call queue sorts and the staff list filters on columns, not on a correlated
    # subquery per registration. Never written by a form.
    last_call_at = models.DateTimeField(
        _("dernier appel le"), null=True, blank=True, editable=False
    )
    last_call_outcome = models.CharField(
        _("résultat du dernier appel"),
        max_length=16,
        choices=CallOutcome.choices,
        blank=True,
        editable=False,
    )
    next_callback_at = models.DateTimeField(
        _("rappel prévu le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Celui du dernier appel s'il a conclu « À rappeler »."),
    )
    created_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "company"], name="registration_unique"),
            models.CheckConstraint(
                condition=~models.Q(status=RegistrationStatus.NOT_RETAINED)
                | ~models.Q(status_reason=""),
                name="registration_not_retained_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(match_score__isnull=True) | models.Q(match_score__gte=0),
                name="registration_match_score_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["edition", "status", "created_at"]),
            # The staff list's default order (newest first, then id): 50 rows read by an index
            # scan instead of sorting every registration.
            models.Index(fields=["created_at", "id"], name="registration_created_id"),
        ]

    def __str__(self) -> str:
        return f"{self.company} — {self.edition}"


class Wish(models.Model):
    """A company wants to meet a buyer, optionally about one planned contract."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="wishes",
        verbose_name=_("inscription"),
    )
    organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="company_wishes",
        verbose_name=_("acheteur"),
    )
    planned_contract = models.ForeignKey(
        PlannedContract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wishes",
        verbose_name=_("marché prévisionnel"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("souhait de rendez-vous")
        verbose_name_plural = _("souhaits de rendez-vous")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "organisation"],
                condition=models.Q(planned_contract__isnull=True),
                name="wish_unique_buyer",
            ),
            models.UniqueConstraint(
                fields=["registration", "planned_contract"],
                condition=models.Q(planned_contract__isnull=False),
                name="wish_unique_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.company} → {self.organisation}"


class CallQueueEntry(Registration):
    """The staff's call queue in the admin: registrations still to qualify (a proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("entreprise à appeler")
        verbose_name_plural = _("file d'appels")


class CallLog(models.Model):
    """One phone call of the staff to a registered company."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="calls",
        verbose_name=_("inscription"),
    )
    called_at = models.DateTimeField(_("appel le"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appelé par"),
    )
    outcome = models.CharField(_("résultat"), max_length=16, choices=CallOutcome.choices)
    callback_at = models.DateTimeField(_("rappeler le"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    topics = models.ManyToManyField(
        "Topic",
        blank=True,
        related_name="calls",
        verbose_name=_("besoins de formation repérés"),
        help_text=_("Thèmes de formation dont l'entreprise a besoin, d'après l'appel."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-called_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(outcome=CallOutcome.CALL_BACK, callback_at__isnull=False)
                    | (
                        ~models.Q(outcome=CallOutcome.CALL_BACK)
                        & models.Q(callback_at__isnull=True)
                    )
                ),
                name="calllog_callback_iff_call_back",
            ),
        ]
        indexes = [models.Index(fields=["registration", "-called_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {timezone.localtime(self.called_at):%d/%m/%Y %H:%M}"


class StatusChange(models.Model):
    """One transition of a registration's status: who, when, from what to what, why."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("inscription"),
    )
    from_status = models.CharField(
        _("ancien statut"), max_length=16, choices=RegistrationStatus.choices
    )
    to_status = models.CharField(
        _("nouveau statut"), max_length=16, choices=RegistrationStatus.choices
    )
    reason = models.TextField(_("motif"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    changed_at = models.DateTimeField(_("le"))

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="statuschange_differs",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_status=RegistrationStatus.NOT_RETAINED)
                | ~models.Q(reason=""),
                name="statuschange_not_retained_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
