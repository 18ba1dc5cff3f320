"""Every outgoing e-mail is first a row, written in the business transaction that causes it.

Also here: the recipients' opt-outs per optional category.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EmailCategory, EmailStatus


class OutgoingEmail(models.Model):
    to = models.EmailField(_("destinataire"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_emails",
    )
    template = models.CharField(
        _("modèle"),
        max_length=120,
        help_text=_("Nom du modèle sous templates/emails/ (sans extension)."),
    )
    context = models.JSONField(_("contexte"), default=dict, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    category = models.CharField(
        _("catégorie"), max_length=60, default=EmailCategory.SERVICE, db_index=True
    )
    batch = models.CharField(_("lot"), max_length=120, blank=True, db_index=True)
    dedup_key = models.CharField(
        _("clé d'unicité"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Empêche de créer deux fois le même envoi."),
    )
    attachments = models.JSONField(
        _("pièces jointes"),
        default=list,
        blank=True,
        help_text=_("Chemins relatifs au stockage des fichiers."),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sending_started_at = models.DateTimeField(
        _("dernier envoi commencé le"),
        null=True,
        blank=True,
        help_text=_("Posé avant de parler au serveur de messagerie ; voir la règle de reprise."),
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    resend_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
        verbose_name=_("renvoi de"),
    )

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["batch", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=EmailStatus.SENT) | models.Q(sent_at__isnull=False),
                name="outgoing_email_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.template} → {self.to}"

    @property
    def message_id(self) -> str:
        """The same Message-ID for every attempt, so that a redelivered copy is recognisable."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "ellipse"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"


class EmailOptOut(models.Model):
    """An address that asked not to receive one optional category of messages."""

    email = models.EmailField(_("adresse"))
    category = models.CharField(_("catégorie"), max_length=60, choices=EmailCategory.choices)
    created_at = models.DateTimeField(_("désinscrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("désinscription")
        verbose_name_plural = _("désinscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["email", "category"], name="email_opt_out_unique"),
            models.CheckConstraint(
                condition=models.Q(category__in=["reminder", "news"]),
                name="email_opt_out_optional_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_category_display()}"
