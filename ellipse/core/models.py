"""Background jobs: a long operation run by a Celery task, followed on a progress page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("En échec")


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)


class BackgroundJob(models.Model):
    """One run of a long operation. ``key`` names what it works on ("invitations-2027"): the
    database refuses a second active job with the same key, so a double click never starts
    two runs."""

    kind = models.CharField(_("nature"), max_length=60)
    key = models.CharField(_("clé"), max_length=120, db_index=True)
    label = models.CharField(_("intitulé"), max_length=255)
    status = models.CharField(
        _("statut"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("traités"), default=0)
    failures = models.JSONField(_("échecs"), default=list, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    return_url = models.CharField(_("page de retour"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status__in=["pending", "running"]),
                name="background_job_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="background_job_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
