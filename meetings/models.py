"""Meetings of the morning: one buyer, one company, one slot of an edition."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerOrganisation
from companies.models import Company
from ellipse.editions.models import Edition

from .enums import BuyerPreferenceKind, MeetingChangeKind, MeetingStatus, ScheduleRunStatus


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
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

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

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("édition")
    )
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
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

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


class ScheduleRun(models.Model):
    """One computation of an edition's schedule (command, staff action or task), with progress."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="schedule_runs", verbose_name=_("édition")
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ScheduleRunStatus.choices,
        default=ScheduleRunStatus.PENDING,
    )
    fill_only = models.BooleanField(_("compléter seulement les créneaux libres"), default=False)
    keep_published = models.BooleanField(_("garder les rendez-vous publiés"), default=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    objective = models.FloatField(_("objectif atteint"), null=True, blank=True)
    upper_bound = models.FloatField(_("borne supérieure"), null=True, blank=True)
    stats = models.JSONField(_("statistiques"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lancé par"),
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("calcul du planning")
        verbose_name_plural = _("calculs du planning")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="schedule_run_progress_range"
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at)
        return f"{self.edition} — {self.get_status_display()} ({when:%d/%m/%Y %H:%M})"


class MeetingChange(models.Model):
    """A change made to a meeting after the schedule was published: who, when, what.

    The invitations feature notifies the people concerned from rows whose ``notified_at`` is
    empty and ``needs_notification`` is true, then fills ``notified_at``."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="meeting_changes", verbose_name=_("édition")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="changes", verbose_name=_("rendez-vous")
    )
    kind = models.CharField(_("nature"), max_length=8, choices=MeetingChangeKind.choices)
    old_slot = models.PositiveSmallIntegerField(_("ancien créneau"), null=True, blank=True)
    new_slot = models.PositiveSmallIntegerField(_("nouveau créneau"), null=True, blank=True)
    buyer = models.ForeignKey(
        BuyerOrganisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("acheteur")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise")
    )
    description = models.TextField(_("description"))
    needs_notification = models.BooleanField(_("à notifier"), default=True)
    notified_at = models.DateTimeField(_("notifié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification d'un rendez-vous publié")
        verbose_name_plural = _("modifications des rendez-vous publiés")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["edition", "notified_at"])]

    def __str__(self) -> str:
        return self.description


class RelevanceScore(models.Model):
    """The stored relevance of one (buyer, company) pair of an edition: computed by a task
    (``services.relevance.edition_relevance_store``), read by pages and the scheduler."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("édition")
    )
    buyer = models.ForeignKey(
        BuyerOrganisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("acheteur")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise")
    )
    score = models.FloatField(_("pertinence"))
    must_meet = models.BooleanField(_("doit rencontrer"), default=False)
    reasons = models.JSONField(_("raisons"), default=list, blank=True)

    class Meta:
        verbose_name = _("pertinence d'une paire")
        verbose_name_plural = _("pertinences des paires")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "buyer", "company"], name="relevance_score_pair_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0), name="relevance_score_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} × {self.company_id} : {self.score}"


class RelevanceState(models.Model):
    """When an edition's stored relevance was computed, from which inputs (fingerprint), and
    which refresh is queued, so a page queues at most one task per change of inputs."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="relevance_state", verbose_name=_("édition")
    )
    fingerprint = models.CharField(_("empreinte des données"), max_length=32, blank=True)
    queued_fingerprint = models.CharField(_("empreinte demandée"), max_length=32, blank=True)
    computed_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    pair_count = models.PositiveIntegerField(_("nombre de paires"), default=0)
    seconds = models.FloatField(_("durée du calcul (s)"), default=0)

    class Meta:
        verbose_name = _("état du calcul de pertinence")
        verbose_name_plural = _("états du calcul de pertinence")

    def __str__(self) -> str:
        return f"{self.edition_id}: {self.fingerprint} ({self.pair_count})"
