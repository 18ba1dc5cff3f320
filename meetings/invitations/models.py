"""The generated documents (PDF agendas, calendars) that invitations attach and spaces let
people download."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import DocumentKind


class GeneratedDocument(models.Model):
    """A generated file (agenda PDF, calendar) for one owner of one edition.

    ``owner_id`` is the company's or the buyer organisation's id depending on ``kind`` (0 for the
    staff booklet). ``content_hash`` is the hash of what the file shows: when the schedule
    changes, the hash changes and the file is generated again.
    """

    edition = models.ForeignKey(
        "editions.Edition",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("édition"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    owner_id = models.PositiveBigIntegerField(_("propriétaire"))
    file = models.FileField(_("fichier"), upload_to="documents/", max_length=255)
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    render_seconds = models.FloatField(_("durée de génération (s)"), default=0)
    generated_at = models.DateTimeField(_("généré le"), auto_now=True)

    class Meta:
        db_table = "outbox_generateddocument"  # created by the outbox before the app existed
        verbose_name = _("document généré")
        verbose_name_plural = _("documents générés")
        ordering = ["edition", "kind", "owner_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "owner_id"], name="generated_document_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.owner_id} — {self.edition}"
