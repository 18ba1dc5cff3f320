"""Every outgoing e-mail is first a row, written in the business transaction that causes it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EmailStatus


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
    category = models.CharField(_("catégorie"), max_length=60, default="service")
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
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.subject or self.template} → {self.to}"
