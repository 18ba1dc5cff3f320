from django import forms
from django.utils.translation import gettext_lazy as _

from companies.enums import SizeClass

from .enums import StructureType
from .selectors import DirectoryQuery, commune_choices


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
        self.fields["commune"].choices = commune_choices()

    def to_query(self) -> DirectoryQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return DirectoryQuery(
            activity=data.get("activite", ""),
            commune=data.get("commune", ""),
            structure=data.get("structure", ""),
            size=data.get("taille", ""),
            took_part=bool(data.get("participation")),
        )
