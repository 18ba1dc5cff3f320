"""Contracts register (DECP), its import reports, and the manual SPASER figures."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import MANUAL_CHOICES


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class RecordOutcome(models.TextChoices):
    IMPORTED = "imported", _("Importé")
    WARNINGS = "warnings", _("Importé avec avertissements")
    UNCHANGED = "unchanged", _("Déjà à jour")
    REJECTED = "rejected", _("Rejeté")


class DecpImport(models.Model):
    """One DECP file read (or being read): counts, progress and the per-record report."""

    file_name = models.CharField(_("fichier"), max_length=255)
    upload = models.FileField(_("fichier déposé"), upload_to="spaser/decp/", blank=True)
    dry_run = models.BooleanField(_("essai à blanc"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    records = models.PositiveIntegerField(_("enregistrements lus"), default=0)
    imported = models.PositiveIntegerField(_("importés"), default=0)
    with_warnings = models.PositiveIntegerField(_("avec avertissements"), default=0)
    unchanged = models.PositiveIntegerField(_("déjà à jour"), default=0)
    rejected = models.PositiveIntegerField(_("rejetés"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import DECP")
        verbose_name_plural = _("imports DECP")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.file_name} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"
            if self.created_at
            else self.file_name
        )


class DecpImportRecord(models.Model):
    """What happened to one record of a file: imported, with warnings, unchanged or rejected."""

    run = models.ForeignKey(
        DecpImport, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("import")
    )
    position = models.PositiveIntegerField(_("position"))
    record_id = models.CharField(_("identifiant"), max_length=100, blank=True)
    outcome = models.CharField(_("résultat"), max_length=10, choices=RecordOutcome.choices)
    field = models.CharField(_("champ"), max_length=200, blank=True)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    resolved = models.BooleanField(_("défaut traité"), default=False)

    class Meta:
        verbose_name = _("résultat d'enregistrement")
        verbose_name_plural = _("résultats d'enregistrement")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="decp_record_unique_position")
        ]
        indexes = [models.Index(fields=["outcome", "resolved"])]

    def __str__(self) -> str:
        return f"#{self.position} {self.record_id} : {self.get_outcome_display()}"


class Contract(models.Model):
    """A notified contract (marché or concession), one row per DECP ``uid`` (buyer SIRET + id)."""

    uid = models.CharField(_("identifiant unique"), max_length=120, unique=True)
    decp_id = models.CharField(_("identifiant DECP"), max_length=100)
    kind = models.CharField(_("type"), max_length=12)  # "marche" or "concession"
    buyer_siret = models.CharField(_("SIRET de l'acheteur"), max_length=20, db_index=True)
    buyer = models.ForeignKey(
        "buyers.BuyerOrganisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notified_contracts",
        verbose_name=_("organisation acheteuse"),
    )
    object = models.TextField(_("objet"), blank=True)
    cpv = models.CharField(_("code CPV"), max_length=12, blank=True)
    nature = models.CharField(_("nature"), max_length=100, blank=True)
    procedure = models.CharField(_("procédure"), max_length=100, blank=True)
    amount_ht = models.DecimalField(_("montant HT notifié"), max_digits=16, decimal_places=2)
    current_amount_ht = models.DecimalField(
        _("montant HT après modifications"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    notified_on = models.DateField(_("date de notification"))
    year = models.PositiveSmallIntegerField(_("année de notification"))
    duration_months = models.IntegerField(_("durée (mois)"), null=True, blank=True)
    ccag = models.CharField(_("CCAG"), max_length=100, blank=True)
    innovative = models.BooleanField(_("marché innovant"), null=True, blank=True)
    social_considerations = models.JSONField(_("considérations sociales"), default=list, blank=True)
    environmental_considerations = models.JSONField(
        _("considérations environnementales"), default=list, blank=True
    )
    is_social = models.BooleanField(_("considération sociale"), default=False)
    is_environmental = models.BooleanField(_("considération environnementale"), default=False)
    is_reserved = models.BooleanField(_("réservé"), default=False)
    techniques = models.JSONField(_("techniques"), default=list, blank=True)
    execution_modes = models.JSONField(_("modalités d'exécution"), default=list, blank=True)
    framework_id = models.CharField(_("accord-cadre"), max_length=100, blank=True)
    grouping = models.CharField(_("groupement d'opérateurs"), max_length=100, blank=True)
    subcontracting_declared = models.BooleanField(
        _("sous-traitance déclarée"), null=True, blank=True
    )
    subcontracting_acts = models.PositiveIntegerField(_("actes de sous-traitance"), default=0)
    modifications = models.PositiveIntegerField(_("modifications"), default=0)
    published_on = models.DateField(_("publiée le"), null=True, blank=True)
    version = models.CharField(_("version"), max_length=30)
    source_format = models.CharField(_("format"), max_length=10, blank=True)
    source_file = models.CharField(_("fichier d'origine"), max_length=255, blank=True)
    source_import = models.ForeignKey(
        DecpImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
        verbose_name=_("import d'origine"),
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        verbose_name = _("marché notifié")
        verbose_name_plural = _("marchés notifiés")
        ordering = ["-notified_on", "uid"]
        indexes = [models.Index(fields=["year", "buyer_siret"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_ht__gte=0), name="contract_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decp_id} — {self.object[:60]}"


class ContractHolder(models.Model):
    """A holder (titulaire, concessionnaire) of a contract, linked to a company by SIRET."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="holders", verbose_name=_("marché")
    )
    identifier = models.CharField(_("identifiant"), max_length=40)
    identifier_type = models.CharField(_("type d'identifiant"), max_length=20, default="SIRET")
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notified_contracts",
        verbose_name=_("entreprise"),
    )

    class Meta:
        verbose_name = _("titulaire")
        verbose_name_plural = _("titulaires")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "identifier"], name="contract_holder_unique"
            )
        ]
        indexes = [models.Index(fields=["identifier"])]

    def __str__(self) -> str:
        return self.identifier


class ManualEntry(models.Model):
    """A yearly figure DECP does not carry (insertion hours, trained agents…), entered by staff."""

    year = models.PositiveSmallIntegerField(_("année"))
    buyer = models.ForeignKey(
        "buyers.BuyerOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spaser_entries",
        verbose_name=_("acheteur"),
        help_text=_("Vide : le chiffre vaut pour Est Ensemble."),
    )
    indicator = models.CharField(_("indicateur"), max_length=40, choices=MANUAL_CHOICES)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    entered_on = models.DateField(_("date de saisie"))

    class Meta:
        verbose_name = _("chiffre saisi")
        verbose_name_plural = _("chiffres saisis")
        ordering = ["-year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "buyer", "indicator"],
                condition=models.Q(buyer__isnull=False),
                name="spaser_manual_unique_buyer",
                violation_error_message=_(
                    "Ce chiffre est déjà saisi pour cette année et cet acheteur."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "indicator"],
                condition=models.Q(buyer__isnull=True),
                name="spaser_manual_unique_est_ensemble",
                violation_error_message=_(
                    "Ce chiffre est déjà saisi pour cette année et cet acheteur."
                ),
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="spaser_manual_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_indicator_display()} : {self.value}"
