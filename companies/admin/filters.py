"""Filters of the staff's list of registrations."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.match_reasons import score_filter_choices

from ..enums import CallOutcome
from ..models import Company, Wish
from ..selectors import cpv_divisions_in_use


class CpvDivisionFilter(admin.SimpleListFilter):
    title = gettext_lazy("division CPV")
    parameter_name = "cpv_division"

    def lookups(self, request, model_admin):
        return [(d, f"{d} — {label}".rstrip(" —")) for d, label in cpv_divisions_in_use()]

    def queryset(self, request, queryset):
        if self.value():
            companies = Company.objects.filter(cpv_codes__division=self.value()).values("pk")
            return queryset.filter(company__in=companies)
        return queryset


class HasWishesFilter(admin.SimpleListFilter):
    title = gettext_lazy("souhaits de rendez-vous")
    parameter_name = "has_wishes"

    def lookups(self, request, model_admin):
        return [("yes", _("Avec souhaits")), ("no", _("Sans souhait"))]

    def queryset(self, request, queryset):
        wishes = Wish.objects.filter(registration=OuterRef("pk"))
        if self.value() == "yes":
            return queryset.filter(Exists(wishes))
        if self.value() == "no":
            return queryset.filter(~Exists(wishes))
        return queryset


class LastCallFilter(admin.SimpleListFilter):
    title = gettext_lazy("dernier appel")
    parameter_name = "last_call"

    def lookups(self, request, model_admin):
        return [("never", _("Jamais appelée")), *CallOutcome.choices]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.filter(last_call_outcome="")
        if self.value() in CallOutcome.values:
            return queryset.filter(last_call_outcome=self.value())
        return queryset


class MatchScoreFilter(admin.SimpleListFilter):
    title = gettext_lazy("meilleur score")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [
            *score_filter_choices(),
            ("0", _("Aucune correspondance")),
            ("none", _("Pas encore calculé")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(match_score__isnull=True)
        if value == "0":
            return queryset.filter(match_score=0)
        if value in dict(score_filter_choices()):
            return queryset.filter(match_score__gte=float(value))
        return queryset
