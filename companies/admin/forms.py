"""Forms of the registrations' admin: the call log inline and the intermediate pages."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.match_reasons import score_scale_help
from ellipse.editions.models import Edition

from .. import workflow
from ..enums import CallOutcome, RegistrationStatus
from ..models import CallLog, Registration
from ..suggestions import DEFAULT_THRESHOLD


class CallLogForm(forms.ModelForm):
    class Meta:
        model = CallLog
        fields = ["called_at", "outcome", "callback_at", "notes", "topics"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "topics": forms.SelectMultiple(attrs={"size": 4}),
        }

    def clean(self):
        data = super().clean()
        outcome, callback_at = data.get("outcome"), data.get("callback_at")
        if outcome == CallOutcome.CALL_BACK and not callback_at:
            self.add_error("callback_at", _("Indiquez quand rappeler l'entreprise."))
        if outcome and outcome != CallOutcome.CALL_BACK and callback_at:
            self.add_error(
                "callback_at", _("Une date de rappel n'a de sens que pour « À rappeler ».")
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif (envoyé à l'entreprise)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Nouveau statut"))
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=2000,
        help_text=gettext_lazy("Obligatoire pour « Non retenue » ; envoyé à l'entreprise."),
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, RegistrationStatus(s).label) for s in workflow.allowed_targets(registration.status)
        ]


class ThresholdForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=gettext_lazy("Édition"), queryset=Edition.objects.order_by("-year")
    )
    threshold = forms.FloatField(
        label=gettext_lazy("Seuil de score"),
        min_value=0.05,
        max_value=1.5,
        initial=DEFAULT_THRESHOLD,
        help_text=lazy(score_scale_help, str)(),
    )
