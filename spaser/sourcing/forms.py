from django import forms
from django.utils.translation import gettext_lazy as _

from buyers.models import BuyerOrganisation
from companies.enums import SizeClass
from ellipse.editions.models import Edition

from .enums import Absence, FollowUp, OutcomeStatus, StructureType
from .selectors import DirectoryQuery, commune_choices
from .services import OutcomeAnswer


class DirectoryForm(forms.Form):
    """The directory's search (GET): every field optional."""

    activite = forms.CharField(
        label=_("Activité"),
        required=False,
        max_length=200,
        help_text=_(
            "Mots de l'activité, code CPV (ex. 45210000 ou 4521) ou code NAF (ex. 43.34Z)."
        ),
    )
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    structure = forms.ChoiceField(
        label=_("Type de structure"),
        required=False,
        choices=[("", _("Tous les types")), *StructureType.choices],
    )
    taille = forms.ChoiceField(
        label=_("Taille"),
        required=False,
        choices=[("", _("Toutes les tailles")), *SizeClass.choices],
    )
    participation = forms.BooleanField(
        label=_("A déjà participé à une édition de la convention"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable: read (from the cache) only to check a commune asked or to draw the list,
        # not for a page whose filters come from the cache.
        self.fields["commune"].choices = commune_choices

    def to_query(self) -> DirectoryQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryQuery(
            activity=data.get("activite", ""),
            commune=data.get("commune", ""),
            structure=data.get("structure", ""),
            size=data.get("taille", ""),
            took_part=bool(data.get("participation")),
        )


class OutcomeForm(forms.Form):
    """One meeting's answer on the signed-link page (prefix: the meeting's id)."""

    status = forms.ChoiceField(
        label=_("Ce qu'il est advenu du rendez-vous"),
        choices=OutcomeStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    absence = forms.ChoiceField(
        label=_("S'il n'a pas eu lieu : qui était absent ?"),
        choices=[("", _("Non précisé")), *Absence.choices],
        required=False,
    )
    follow_ups = forms.MultipleChoiceField(
        label=_("Si une suite est prévue : laquelle ?"),
        choices=FollowUp.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, prefix=f"rdv{meeting.pk}", **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("status") != OutcomeStatus.NOT_HELD:
            data["absence"] = ""
        if data.get("status") != OutcomeStatus.FOLLOW_UP:
            data["follow_ups"] = []
        elif not data.get("follow_ups"):
            self.add_error("follow_ups", _("Précisez la suite prévue."))
        return data

    def to_answer(self) -> OutcomeAnswer | None:
        status = self.cleaned_data.get("status")
        if not status:
            return None
        return OutcomeAnswer(
            meeting_id=self.meeting.pk,
            status=status,
            absence=self.cleaned_data.get("absence", ""),
            follow_ups=tuple(self.cleaned_data.get("follow_ups", ())),
            comment=self.cleaned_data.get("comment", ""),
        )


class OutcomeFilterForm(forms.Form):
    """The staff's overview of the outcomes (GET)."""

    edition = forms.ModelChoiceField(
        label=_("Édition"), queryset=Edition.objects.order_by("-year"), required=False
    )
    acheteur = forms.ModelChoiceField(
        label=_("Acheteur"), queryset=BuyerOrganisation.objects.order_by("name"), required=False
    )
    entreprise = forms.IntegerField(label=_("Entreprise (numéro)"), required=False, min_value=1)
    desaccords = forms.BooleanField(label=_("Seulement les désaccords"), required=False)


class StaffContractsForm(forms.Form):
    """The staff's list of forecast lines to source (GET)."""

    annee = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    acheteur = forms.ModelChoiceField(
        label=_("Acheteur"), queryset=BuyerOrganisation.objects.order_by("name"), required=False
    )
