"""Forms of buyers/: the upload, a forecast line, the participation, an invitation, the
catalogue filters. Database constraints are mirrored here so errors appear next to fields."""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ellipse.core.widgets import LongSelect
from ellipse.editions.current import current_edition
from ellipse.editions.models import Edition

from .cpv import cpv_parse
from .enums import Reservation
from .models import BuyerOrganisation, CpvCode, PlannedContract
from .selectors import AMOUNT_BANDS, CatalogueChoices

UPLOAD_EXTENSIONS = (".xlsx", ".csv")


def year_choices() -> list[tuple[int, int]]:
    edition = current_edition()
    base = edition.year if edition else dt.date.today().year + 1
    return [(y, y) for y in range(base - 1, base + 3)]


def default_year() -> int:
    edition = current_edition()
    return edition.year if edition else dt.date.today().year + 1


class ForecastUploadForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année des prévisions"), coerce=int, choices=())
    file = forms.FileField(
        label=_("Fichier de prévisions (XLSX ou CSV)"),
        help_text=_("XLSX ou CSV (UTF-8 ou Windows-1252, séparateur ; ou ,), %(max)s Mo au plus.")
        % {"max": settings.ELLIPSE_UPLOAD_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, with_organisation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = default_year()
        if with_organisation:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation acheteuse"), queryset=BuyerOrganisation.objects.all()
            )
            self.order_fields(["organisation", "year", "file"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ELLIPSE_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop volumineux : %(max)s Mo au plus.")
                % {"max": settings.ELLIPSE_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if Path(upload.name).suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError(_("Format non accepté : déposez un fichier XLSX ou CSV."))
        return upload


def parse_cpv_list(value: str) -> list[CpvCode]:
    codes = []
    for part in [p for p in re.split(r"[\s,;]+", value or "") if p]:
        try:
            code8, _check = cpv_parse(part)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        codes.append(code8)
    found = {c.code: c for c in CpvCode.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise forms.ValidationError(
            _("Code(s) CPV inconnu(s) : %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return [found[c] for c in dict.fromkeys(codes)]


class PlannedContractForm(forms.ModelForm):
    """A forecast line edited in the buyer's space; CPV codes typed as codes."""

    cpv_main_code = forms.CharField(
        label=_("Code CPV principal"),
        max_length=12,
        help_text=_("8 chiffres, par exemple 45210000-2."),
    )
    cpv_extra_codes = forms.CharField(
        label=_("Codes CPV complémentaires"),
        required=False,
        help_text=_("Séparés par des virgules."),
    )

    class Meta:
        model = PlannedContract
        fields = [
            "reference",
            "title",
            "description",
            "estimated_amount",
            "publication_quarter",
            "publication_month",
            "expected_start",
            "duration_months",
            "procedure",
            "reservation",
            "social_clause",
            "insertion_hours",
            "environmental_consideration",
            "innovation",
            "renewal",
            "contact_name",
            "contact_email",
            "visibility",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisation: BuyerOrganisation, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if self.instance.pk is None:
            self.instance.year = year
        else:
            self.fields["cpv_main_code"].initial = self.instance.cpv_main.display_code
            self.fields["cpv_extra_codes"].initial = ", ".join(
                c.display_code for c in self.instance.cpv_extra.all()
            )
        self.order_fields(["reference", "title", "description", "cpv_main_code", "cpv_extra_codes"])

    def clean_cpv_main_code(self):
        codes = parse_cpv_list(self.cleaned_data["cpv_main_code"])
        if len(codes) != 1:
            raise forms.ValidationError(_("Indiquez un seul code CPV principal."))
        return codes[0]

    def clean_cpv_extra_codes(self):
        return parse_cpv_list(self.cleaned_data["cpv_extra_codes"])

    def clean(self):
        cleaned = super().clean()
        if "cpv_main_code" in cleaned:
            self.instance.cpv_main = cleaned["cpv_main_code"]
        return cleaned

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # cpv_main is set from cpv_main_code in clean(); organisation and year are ours. An
        # empty or unknown code is already an error of cpv_main_code: cpv_main is not checked.
        ours = ("organisation", "year", "cpv_main")
        if "cpv_main_code" not in getattr(self, "cleaned_data", {}):
            ours = ("organisation", "year")
        return {f for f in exclude if f not in ours}


class ParticipationForm(forms.Form):
    attendees = forms.CharField(
        label=_("Personnes présentes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nom et fonction, une personne par ligne."),
    )
    available_slots = forms.TypedMultipleChoiceField(
        label=_("Créneaux où vous êtes disponible"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez tous les créneaux pour la matinée entière."),
    )
    max_meetings = forms.IntegerField(
        label=_("Nombre maximum de rendez-vous"), min_value=1, max_value=24, initial=9
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["available_slots"].choices = [(s.index, s.label) for s in edition.slots]
        self.fields["max_meetings"].max_value = edition.max_meetings_per_buyer
        self.fields["max_meetings"].widget.attrs["max"] = edition.max_meetings_per_buyer


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    organisation = forms.TypedChoiceField(
        label=_("Acheteur"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    division = forms.ChoiceField(
        label=_("Domaine (division CPV)"), required=False, widget=LongSelect
    )
    amount = forms.ChoiceField(
        label=_("Montant estimé"),
        required=False,
        choices=[
            ("", _("Tous les montants")),
            ("lt40", _("Moins de 40 000 € HT")),
            ("40-100", _("40 000 à 100 000 € HT")),
            ("100-500", _("100 000 à 500 000 € HT")),
            ("gte500", _("500 000 € HT et plus")),
        ],
    )
    quarter = forms.TypedChoiceField(
        label=_("Trimestre de publication"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tous"))] + [(q, f"T{q}") for q in range(1, 5)],
    )
    reserved = forms.ChoiceField(
        label=_("Marché réservé"),
        required=False,
        choices=[("", _("Indifférent")), ("any", _("Tout marché réservé"))]
        + [(v, label) for v, label in Reservation.choices if v != Reservation.NONE],
    )
    social_clause = forms.BooleanField(label=_("Avec clause sociale"), required=False)
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    mine = forms.BooleanField(label=_("Seulement mes souhaits"), required=False)

    def __init__(self, *args, choices: CatalogueChoices, with_mine: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", _("Tous les acheteurs")),
            *choices.organisations,
        ]
        self.fields["division"].choices = [("", _("Tous les domaines"))] + [
            (division, f"{division} — {label}") for division, label in choices.divisions
        ]
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, y) for y in choices.years]
        if not with_mine:
            del self.fields["mine"]

    def query_string(self) -> str:
        """The valid filters as a query string (for the pagination links): the cleaned values,
        never what else a URL carried."""
        if not self.is_bound or not self.is_valid():
            return ""
        data = {}
        for name, value in self.cleaned_data.items():
            if value is True:
                data[name] = "on"
            elif value not in (None, "", False):
                data[name] = value.strip() if isinstance(value, str) else value
        return urlencode(data)

    def amount_bands(self):
        return AMOUNT_BANDS
