"""Buyer organisations, their people, the CPV nomenclature and the planned contracts."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ellipse.core.models import BackgroundJob
from ellipse.core.siret import siret_validate
from ellipse.editions.models import Edition

from .enums import (
    ContractStatus,
    CpvLevel,
    OrganisationKind,
    Procedure,
    Reservation,
    Visibility,
)


class CpvCode(models.Model):
    """One code of the Common Procurement Vocabulary (CPV 2008), French label."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    check_digit = models.CharField(_("chiffre de contrôle"), max_length=1, blank=True)
    label = models.CharField(_("libellé"), max_length=400)
    level = models.PositiveSmallIntegerField(_("niveau"), choices=CpvLevel.choices)
    division = models.CharField(_("division"), max_length=2, db_index=True)

    class Meta:
        verbose_name = _("code CPV")
        verbose_name_plural = _("codes CPV")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{8}$"), name="cpv_code_8_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=2, level__lte=8), name="cpv_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.label}"

    @property
    def display_code(self) -> str:
        return f"{self.code}-{self.check_digit}" if self.check_digit else self.code


def validate_siret(value: str) -> None:
    """Model validator: a SIRET of 14 digits whose Luhn keys are right (French message)."""
    siret_validate(value)


class BuyerOrganisation(models.Model):
    """A public (or private) buyer. Public buyers have a SIRET; private ones may have none."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres ; obligatoire sauf pour les acheteurs privés."),
    )
    address = models.TextField(_("adresse"), blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="buyers/logos/", blank=True)
    description = models.TextField(_("présentation"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("organisation acheteuse")
        verbose_name_plural = _("organisations acheteuses")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(siret__isnull=True) | models.Q(siret__regex=r"^[0-9]{14}$"),
                name="buyer_siret_14_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="private") | models.Q(siret__isnull=False),
                name="buyer_siret_required_unless_private",
                violation_error_message=_("Le SIRET est obligatoire pour un acheteur public."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.siret == "":
            self.siret = None
        if self.siret is None and self.kind and self.kind != OrganisationKind.PRIVATE:
            raise ValidationError({"siret": _("Le SIRET est obligatoire pour un acheteur public.")})


class BuyerMembership(models.Model):
    """A user belongs to at most one buyer organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="buyer_membership",
        verbose_name=_("utilisateur"),
    )
    organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'une organisation acheteuse")
        verbose_name_plural = _("membres des organisations acheteuses")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class PlannedContract(models.Model):
    """One line of a buyer's annual procurement forecast."""

    organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="planned_contracts",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    reference = models.CharField(_("référence"), max_length=60)
    title = models.CharField(_("objet"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    cpv_main = models.ForeignKey(
        CpvCode, on_delete=models.PROTECT, related_name="main_for", verbose_name=_("CPV principal")
    )
    cpv_extra = models.ManyToManyField(
        CpvCode, blank=True, related_name="extra_for", verbose_name=_("CPV complémentaires")
    )
    estimated_amount = models.DecimalField(
        _("montant estimé (€ HT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    publication_quarter = models.PositiveSmallIntegerField(
        _("trimestre de publication"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    publication_month = models.PositiveSmallIntegerField(
        _("mois de publication"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    expected_start = models.DateField(_("démarrage prévu"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)
    procedure = models.CharField(
        _("procédure envisagée"), max_length=20, choices=Procedure.choices, blank=True
    )
    reservation = models.CharField(
        _("marché réservé"),
        max_length=10,
        choices=Reservation.choices,
        default=Reservation.NONE,
    )
    social_clause = models.BooleanField(_("clause sociale prévue"), default=False)
    insertion_hours = models.PositiveIntegerField(
        _("heures d'insertion estimées"), null=True, blank=True
    )
    environmental_consideration = models.BooleanField(
        _("considération environnementale"), default=False
    )
    innovation = models.BooleanField(_("achat innovant"), default=False)
    renewal = models.BooleanField(_("renouvellement d'un marché existant"), default=False)
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("marché prévisionnel")
        verbose_name_plural = _("marchés prévisionnels")
        ordering = ["organisation__name", "year", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "reference"], name="planned_contract_unique_ref"
            ),
            models.CheckConstraint(
                condition=models.Q(publication_quarter__isnull=True)
                | models.Q(publication_quarter__gte=1, publication_quarter__lte=4),
                name="planned_contract_quarter_range",
            ),
            models.CheckConstraint(
                condition=models.Q(publication_month__isnull=True)
                | models.Q(publication_month__gte=1, publication_month__lte=12),
                name="planned_contract_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_amount__isnull=True)
                | models.Q(estimated_amount__gte=0),
                name="planned_contract_amount_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "status", "visibility"]),
            # The published catalogue: visible lines first filtered on these, then ordered.
            models.Index(
                fields=["visibility", "status", "publication_quarter"], name="catalogue_idx"
            ),
            models.Index(fields=["estimated_amount"], name="planned_contract_amount_idx"),
            # The catalogue's default order (year, quarter, then buyer's name): its first page
            # reads the first (year, quarter) group in order, and its count scans this index.
            models.Index(
                models.F("year").desc(),
                "publication_quarter",
                name="catalogue_order_idx",
                condition=models.Q(
                    visibility=Visibility.PUBLISHED,
                    status__in=[
                        ContractStatus.PUBLISHED,
                        ContractStatus.LAUNCHED,
                        ContractStatus.AWARDED,
                    ],
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class PlannedContractLot(models.Model):
    """A lot of a planned contract (allotissement), with its own CPV code and amount."""

    contract = models.ForeignKey(
        PlannedContract,
        on_delete=models.CASCADE,
        related_name="lots",
        verbose_name=_("marché prévisionnel"),
    )
    number = models.PositiveSmallIntegerField(_("numéro de lot"))
    title = models.CharField(_("intitulé du lot"), max_length=300)
    cpv = models.ForeignKey(
        CpvCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lots",
        verbose_name=_("code CPV"),
    )
    estimated_amount = models.DecimalField(
        _("montant estimé (€ HT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="lot_unique_number"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number} — {self.title}"


class BuyerParticipation(models.Model):
    """A buyer organisation's presence at an edition: who comes, when, which table."""

    edition = models.ForeignKey(
        Edition,
        on_delete=models.CASCADE,
        related_name="buyer_participations",
        verbose_name=_("édition"),
    )
    organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    attendees = models.TextField(_("personnes présentes"), blank=True)
    available_slots = models.JSONField(
        _("créneaux disponibles"),
        default=list,
        blank=True,
        help_text=_("Numéros des créneaux (à partir de 0) ; vide : toute la matinée."),
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("rendez-vous maximum"), default=9, validators=[MinValueValidator(1)]
    )
    table = models.CharField(_("table ou salle"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("participation d'un acheteur")
        verbose_name_plural = _("participations des acheteurs")
        ordering = ["edition", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "organisation"], name="buyer_participation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(max_meetings__gte=1), name="buyer_participation_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.edition}"


class ForecastImportJob(models.Model):
    """A forecast file checked or imported in the background: what the import needs (the
    stored upload, the year, preview or real import) and its report. Status, progress and
    failures are those of its ``job`` (``ellipse.core`` BackgroundJob, the project's one
    progress page)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(
        BackgroundJob, on_delete=models.CASCADE, related_name="+", verbose_name=_("tâche de fond")
    )
    organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    token = models.CharField(_("jeton du dépôt"), max_length=40)
    path = models.CharField(_("fichier déposé"), max_length=255)
    name = models.CharField(_("nom du fichier"), max_length=255)
    dry_run = models.BooleanField(_("aperçu seulement"), default=True)
    report = models.JSONField(_("rapport"), null=True, blank=True)
    done_url = models.CharField(_("page d'arrivée"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("import de prévisions en cours")
        verbose_name_plural = _("imports de prévisions en cours")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} — {self.organisation_id} {self.year}"
