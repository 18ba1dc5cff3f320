"""Training sessions, the people registered to them (seats and waiting list), invitations sent,
satisfaction answers and the attendance of earlier years."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerOrganisation, PlannedContract
from companies.models import Company, Topic
from ellipse.editions.models import Edition

from .enums import (
    SEATED,
    Attendance,
    Audience,
    PairingStatus,
    ParticipantKind,
    ParticipantStatus,
)


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def with_counts(self):
        """Seats taken (confirmed + offered), waiting list and people present."""
        return self.annotate(
            seats_taken=models.Count(
                "participants", filter=models.Q(participants__status__in=SEATED)
            ),
            waiting_count=models.Count(
                "participants",
                filter=models.Q(participants__status=ParticipantStatus.WAITING),
            ),
            present_count=models.Count(
                "participants",
                filter=models.Q(participants__attendance=Attendance.PRESENT),
            ),
        )


class Session(models.Model):
    """One training session (or one of the convention's afternoon workshops when ``edition``)."""

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("thème")
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("public"), max_length=12, choices=Audience.choices, default=Audience.COMPANIES
    )
    trainer = models.CharField(_("formateur ou formatrice"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=250, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("nombre de places"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    registration_deadline = models.DateTimeField(
        _("date limite d'inscription"), null=True, blank=True
    )
    people_per_company = models.PositiveSmallIntegerField(
        _("personnes par organisation"), default=2, validators=[MinValueValidator(1)]
    )
    edition = models.ForeignKey(
        Edition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("atelier de l'après-midi de l'édition"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="session_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(people_per_company__gte=1),
                name="session_people_per_company_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(place="") | ~models.Q(video_url=""),
                name="session_has_place_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.registration_deadline or self.starts_at
        return now < deadline and now < self.starts_at

    @property
    def seats_left(self) -> int:
        """Needs ``with_counts()``."""
        return max(0, self.capacity - self.seats_taken)

    @property
    def where(self) -> str:
        return self.place or self.video_url

    def open_to(self, kind: str) -> bool:
        if self.audience == Audience.BOTH:
            return True
        if self.audience == Audience.COMPANIES:
            return kind == ParticipantKind.COMPANY
        return kind in (ParticipantKind.AGENT, ParticipantKind.OFFICIAL)


class Participant(models.Model):
    """A person registered to a session, holding a numbered seat or waiting for one.

    Capacity is enforced by the database: a seated person has a seat number between 1 and the
    session's capacity, unique in the session (the service takes the lowest free number under a
    row lock on the session, so two concurrent registrations cannot both take the last seat).
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="participants", verbose_name=_("session")
    )
    kind = models.CharField(_("qualité"), max_length=10, choices=ParticipantKind.choices)
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_participants",
        verbose_name=_("entreprise"),
    )
    buyer_organisation = models.ForeignKey(
        BuyerOrganisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_participants",
        verbose_name=_("acheteur"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inscrit par"),
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("statut"), max_length=10, choices=ParticipantStatus.choices, db_index=True
    )
    seat_number = models.PositiveSmallIntegerField(_("place n°"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("en attente depuis"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("à confirmer avant"), null=True, blank=True)
    attendance = models.CharField(
        _("présence"), max_length=8, choices=Attendance.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "seat_number", "waiting_since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "seat_number"], name="participant_seat_unique"
            ),
            models.UniqueConstraint(
                "session",
                Lower("email"),
                condition=models.Q(status__in=[*SEATED, ParticipantStatus.WAITING]),
                name="participant_active_email_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=SEATED, seat_number__gte=1)
                    | (~models.Q(status__in=SEATED) & models.Q(seat_number__isnull=True))
                ),
                name="participant_seated_iff_numbered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ParticipantStatus.OFFERED)
                | models.Q(offer_expires_at__isnull=False),
                name="participant_offer_has_deadline",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ParticipantKind.COMPANY) | models.Q(company__isnull=False),
                name="participant_company_kind_has_company",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "waiting_since"])]

    def __str__(self) -> str:
        return f"{self.name} — {self.session}"

    @property
    def organisation_name(self) -> str:
        if self.company_id:
            return self.company.legal_name
        if self.buyer_organisation_id:
            return self.buyer_organisation.name
        return ""


class SessionInvitation(models.Model):
    """A targeted invitation to a session: never twice to the same address for one session."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("session")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise")
    )
    email = models.EmailField(_("e-mail"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation ciblée")
        verbose_name_plural = _("invitations ciblées")
        constraints = [
            models.UniqueConstraint("session", Lower("email"), name="session_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.session_id}"


class SurveyAnswer(models.Model):
    """The satisfaction survey of one participant (one answer each, by a signed link)."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="survey_answer",
        verbose_name=_("participant"),
    )
    rating = models.PositiveSmallIntegerField(
        _("satisfaction (1 à 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.BooleanField(_("utile pour répondre aux marchés"), default=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("répondu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse au questionnaire")
        verbose_name_plural = _("réponses au questionnaire")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} : {self.rating}/5"


class PastAttendance(models.Model):
    """A line of an earlier year's attendance list (imported by staff, CSV or XLSX)."""

    year = models.PositiveSmallIntegerField(_("année"))
    session_date = models.DateField(_("date"), null=True, blank=True)
    topic_label = models.CharField(_("thème"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    company_name = models.CharField(_("entreprise"), max_length=200)
    person_name = models.CharField(_("participant"), max_length=150, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entreprise"),
    )

    class Meta:
        verbose_name = _("présence historique")
        verbose_name_plural = _("présences historiques")
        ordering = ["-year", "company_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "session_date", "topic_label", "company_name", "person_name"],
                name="past_attendance_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.company_name} — {self.topic_label}"


class Pairing(models.Model):
    """Co-contracting workshop: two companies introduced to each other at an edition, why, and
    at which table. Proposed by ``trainings.services.pairings_propose``, reviewed and published
    by staff; companies see published pairings only."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="pairings", verbose_name=_("édition")
    )
    company_a = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise A")
    )
    company_b = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("entreprise B")
    )
    planned_contract = models.ForeignKey(
        PlannedContract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marché visé"),
    )
    reasons = models.JSONField(_("raisons"), default=list, blank=True)
    score = models.FloatField(_("score"), default=0)
    table = models.CharField(_("table"), max_length=20, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=PairingStatus.choices,
        default=PairingStatus.PROPOSED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("binôme de cotraitance")
        verbose_name_plural = _("binômes de cotraitance")
        ordering = ["edition", "table", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "company_a", "company_b"], name="pairing_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(company_a__lt=models.F("company_b")),
                name="pairing_ordered_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PairingStatus.PUBLISHED) | ~models.Q(table=""),
                name="pairing_published_has_table",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_a} + {self.company_b}"

    def reason_text(self) -> str:
        return " ".join(self.reasons)
