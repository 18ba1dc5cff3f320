"""Forms of the trainings pages: catalogue filters, people to register, attendance, survey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Topic

from .enums import Attendance, Audience


class CatalogueFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        empty_label=_("Tous les thèmes"),
    )
    public = forms.ChoiceField(
        label=_("Public"),
        required=False,
        choices=[
            ("", _("Tous les publics")),
            (Audience.COMPANIES, _("Entreprises")),
            (Audience.AGENTS, _("Agents et élus")),
        ],
    )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("name")) != bool(data.get("email")):
            raise forms.ValidationError(_("Indiquez le nom et l'e-mail de chaque personne."))
        return data


PeopleFormSet = forms.formset_factory(PersonForm, extra=0, min_num=1, max_num=20)


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait·e de la session ?"),
        choices=[
            (5, _("5 — Très satisfait·e")),
            (4, "4"),
            (3, "3"),
            (2, "2"),
            (1, _("1 — Pas du tout satisfait·e")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful = forms.TypedChoiceField(
        label=_("Vous sera-t-elle utile pour répondre aux marchés publics ?"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire, une suggestion ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


ATTENDANCE_CHOICES = [
    (Attendance.PRESENT, _("Présent·e")),
    (Attendance.ABSENT, _("Absent·e")),
    (Attendance.EXCUSED, _("Excusé·e")),
]
