"""An edition of the convention: its date, place, deadline, morning grid and policy weights."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .enums import EditionStatus
from .grid import Slot, slot_grid


class EditionQuerySet(models.QuerySet):
    def current(self) -> "Edition | None":
        """The edition people work on now: the latest one that is not closed, else the latest."""
        editions = self.with_phase()
        return editions.exclude(status=EditionStatus.CLOSED).order_by("-year").first() or (
            editions.order_by("-year").first()
        )

    def with_phase(self) -> "EditionQuerySet":
        """Editions annotated so that ``edition.phase`` needs no further query."""
        from .phase import schedule_published_expression

        return self.annotate(schedule_public=schedule_published_expression())


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    date = models.DateField(_("date de la convention"))
    venue = models.CharField(_("lieu"), max_length=200)
    venue_address = models.TextField(_("adresse du lieu"), blank=True)
    access_info = models.TextField(_("accès et informations pratiques"), blank=True)
    registration_deadline = models.DateTimeField(_("date limite d'inscription"))
    status = models.CharField(
        _("statut"), max_length=32, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    # Morning grid
    morning_start = models.TimeField(_("début des rendez-vous"), default=dt.time(9, 0))
    welcome_minutes = models.PositiveSmallIntegerField(
        _("accueil avant les rendez-vous (min)"),
        default=0,
        help_text=_("Par exemple un petit-déjeuner avant le premier créneau."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("durée d'un créneau (min)"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    slot_count = models.PositiveSmallIntegerField(
        _("nombre de créneaux"), default=9, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    breaks = models.JSONField(
        _("pauses"),
        default=list,
        blank=True,
        help_text=_(
            'Liste de pauses : [{"after_slot": 4, "minutes": 15}] (créneaux numérotés à '
            "partir de 0)."
        ),
    )
    max_meetings_per_buyer = models.PositiveSmallIntegerField(
        _("rendez-vous maximum par acheteur"),
        default=9,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    max_meetings_per_company = models.PositiveSmallIntegerField(
        _("rendez-vous maximum par entreprise"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    afternoon_programme = models.TextField(_("programme de l'après-midi"), blank=True)
    # Policy weights chosen by staff (used by the relevance score)
    weight_ess = models.FloatField(_("bonus ESS"), default=0.15)
    weight_small = models.FloatField(_("bonus TPE et artisans"), default=0.10)
    weight_local = models.FloatField(_("bonus implantation dans les 9 villes"), default=0.10)
    weight_mutual_wish = models.FloatField(_("bonus souhait réciproque"), default=0.25)
    coverage_bonus = models.FloatField(
        _("bonus de couverture"),
        default=1.0,
        help_text=_("Valeur donnée à chaque entreprise qui obtient au moins un rendez-vous."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_count__gte=1, slot_count__lte=24),
                name="edition_slot_count_range",
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="edition_slot_minutes_min"
            ),
            models.CheckConstraint(
                condition=models.Q(max_meetings_per_buyer__lte=models.F("slot_count"))
                & models.Q(max_meetings_per_company__lte=models.F("slot_count")),
                name="edition_capacities_within_slots",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_ess__gte=0,
                    weight_small__gte=0,
                    weight_local__gte=0,
                    weight_mutual_wish__gte=0,
                    coverage_bonus__gte=0,
                ),
                name="edition_weights_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def slots(self) -> list[Slot]:
        return slot_grid(
            start=self.morning_start,
            slot_minutes=self.slot_minutes,
            slot_count=self.slot_count,
            breaks=self.breaks,
            welcome_minutes=self.welcome_minutes,
        )

    @cached_property
    def phase(self):
        """The edition's phase (see ``ellipse.editions.phase``): use this to tell people where
        the convention stands, everywhere."""
        from .phase import edition_phase

        return edition_phase(self)

    @property
    def registration_is_open(self) -> bool:
        return (
            self.status == EditionStatus.REGISTRATION_OPEN
            and timezone.now() <= self.registration_deadline
        )
