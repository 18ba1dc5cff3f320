"""The company registration form (public) and its edit form (the company's space).

One form for both: ``with_account`` adds the e-mail and password that create the account,
``company`` (an existing company) fixes the SIRET, ``registration`` pre-fills an edit. The
company's and the registration's fields are declared from the models (``companies.fields``
lists them once); only what the models cannot say is declared here. Every rule gives a French
message next to its field; the service checks the database rules again.

The form never says whether an e-mail address or a SIRET already has an account: the view
sends the owner an e-mail instead (``companies.services.registration``)."""

import datetime as dt
import re

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from buyers.models import BuyerOrganisation, CpvCode, PlannedContract
from ellipse.accounts.models import User
from ellipse.core.params import MAX_ID, ids_param, int_param, parse_int
from ellipse.core.siret import siret_validate
from ellipse.editions.models import Edition

from .enums import EssStatus, HeadcountBand, SiaeType, SizeClass, TurnoverBand
from .fields import (
    ACTIVITY_FIELDS,
    ADDRESS_FIELDS,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    ESS_FIELDS,
    IDENTITY_FIELDS,
    REGISTRATION_INTENTION_FIELDS,
    REGISTRATION_WRITABLE,
)
from .models import Company, Registration, Topic
from .selectors import (
    MAX_WISH_CONTRACTS,
    naf_label,
    naf_normalise,
    naf_subclasses,
    wish_contracts_shown,
    wish_organisation_choices,
    wish_search_page,
    wish_suggestions,
    wishes_kept,
    wishes_refusal,
)

MAX_CPV_CODES = 40
#: Buttons of the wish picker that post the whole form to search without JavaScript.
WISH_SEARCH_BUTTONS = ("wish_search", "wish_page")


def enter_in_wish_search(data) -> bool:
    """Enter pressed in a field without JavaScript sends the form with its first submit button,
    the hidden one named ``enter`` (``_register_bottom.html``): a search when the wish search
    box holds words whose results the page does not show yet (``wish_q_shown``, written with
    the results), the registration otherwise."""
    if "enter" not in data:
        return False
    typed = data.get("wish_q", "")[:200].strip()
    return bool(typed) and typed != data.get("wish_q_shown", "")[:200].strip()


#: Longest text a company may type in a free-text box (the database's TextField is unbounded).
TEXT_MAX_LENGTH = 4000

# Sections of the page, in order: (anchor, title, field names). The template walks these.
SECTIONS = (
    ("identite", _("Identité de l'entreprise"), IDENTITY_FIELDS),
    ("ess", _("Économie sociale et solidaire"), ESS_FIELDS),
    ("adresse", _("Adresse"), ADDRESS_FIELDS),
    ("activite", _("Activité"), ACTIVITY_FIELDS),
    (
        "intentions",
        _("Vos intentions pour la convention"),
        (
            *REGISTRATION_INTENTION_FIELDS[:3],
            "wish_organisations",
            "wish_contracts",
            REGISTRATION_INTENTION_FIELDS[3],
            "training_topics",
            *REGISTRATION_INTENTION_FIELDS[4:],
        ),
    ),
    (
        "contact",
        _("Contact et compte"),
        (
            *CONTACT_FIELDS[:2],
            "email",
            *CONTACT_FIELDS[2:],
            "password1",
            "password2",
            "accessibility_needs",
        ),
    ),
    ("consentement", _("Données personnelles"), ("consent", "directory_consent")),
)

#: Where the form's wording differs from the model's verbose names and help texts.
LABELS = {
    "legal_name": _("Raison sociale"),
    "size_class": _("Catégorie d'entreprise"),
    "turnover_band": _("Chiffre d'affaires annuel"),
    "description": _("Ce que vous proposez"),
    "keywords": _("Mots-clés"),
    "references": _("Références"),
    "wants_cocontracting": _("Intéressée par la cotraitance (répondre à plusieurs)"),
    "wants_subcontracting": _("Intéressée par la sous-traitance"),
    "workshops": _("Ateliers de l'après-midi qui vous intéressent"),
    "contact_name": _("Nom et prénom du contact"),
    "contact_role": _("Fonction"),
    "accessibility_needs": _("Besoins d'accessibilité pour la journée"),
}
HELP_TEXTS = {
    "legal_form": _("Par exemple : SARL, SAS, entreprise individuelle, association loi 1901."),
    "labels": _("Un par ligne, par exemple : Qualibat, RGE, ISO 14001, Ecocert."),
    "work_area": _("Par exemple : Est Ensemble, Seine-Saint-Denis, Île-de-France, France."),
    "description": _("Vos produits, services ou travaux, en quelques phrases."),
    "keywords": _("Séparés par des virgules, par exemple : peinture, ravalement, isolation."),
    "references": _("Marchés publics ou privés déjà réalisés : client, objet, année."),
    "training_needs": _(
        "Par exemple : répondre à un appel d'offres, la dématérialisation, le DUME."
    ),
    "accessibility_needs": _("Fauteuil roulant, interprète LSF, boucle magnétique…"),
}
WIDGETS = {
    "creation_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
    "labels": forms.Textarea(attrs={"rows": 2}),
    "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
    "commune": forms.TextInput(attrs={"autocomplete": "address-level2"}),
    "description": forms.Textarea(attrs={"rows": 4}),
    "references": forms.Textarea(attrs={"rows": 3}),
    "workshops": forms.Textarea(attrs={"rows": 2}),
    "training_needs": forms.Textarea(attrs={"rows": 2}),
    "accessibility_needs": forms.Textarea(attrs={"rows": 2}),
    "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
    "contact_role": forms.TextInput(attrs={"autocomplete": "organization-title"}),
    "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
}
#: Declared below rather than from the model (input cleaned before the model's rules apply).
DECLARED = ("siret", "postal_code", "naf_code", "cpv_codes", "contact_phone", "available_slots")
#: Optional choice fields: the empty choice's wording.
EMPTY_CHOICES = {
    "size_class": (_("— Choisir —"), SizeClass),
    "headcount_band": (_("— Choisir —"), HeadcountBand),
    "turnover_band": (_("— Choisir —"), TurnoverBand),
    "siae_type": (_("— Sans objet —"), SiaeType),
}
REQUIRED = ("description",)


def _model_fields(model, names) -> dict:
    return forms.fields_for_model(
        model,
        fields=[n for n in names if n not in DECLARED],
        labels=LABELS,
        help_texts=HELP_TEXTS,
        widgets=WIDGETS,
    )


def siret_clean(value: str) -> str:
    """The 14 digits of a SIRET typed with or without spaces, or a French ValidationError."""
    return siret_validate(value)


def cpv_codes_parse(value: str) -> list[str]:
    """``45000000-7, 45442100`` → ``["45000000", "45442100"]`` (8-digit codes, order kept)."""
    codes: list[str] = []
    for token in re.split(r"[\s,;]+", value or ""):
        if not token:
            continue
        code = token.split("-")[0]
        if code not in codes:
            codes.append(code)
    return codes


#: Most buyer ids one post may carry (there are a few hundred buyers at most).
MAX_POSTED_IDS = 500


class WishIdsField(forms.Field):
    """Ids of checkboxes (a buyer's, a planned contract's): ASCII digits only, at most
    ``max_count``; anything else is a French form error, never a 500. Whether each may be
    wished is the form's ``clean`` (one query), not a list of choices."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_count: int, too_many=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_count = max_count
        self.too_many = too_many or _("Trop de choix envoyés : au plus %(max)s.")

    def to_python(self, value) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = [parse_int(v, None, min_value=1, max_value=MAX_ID) for v in values]
        if None in ids:
            raise forms.ValidationError(
                _("Un des choix envoyés n'est pas valide : cochez-le à nouveau."), code="invalid"
            )
        return list(dict.fromkeys(ids))

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > self.max_count:
            raise forms.ValidationError(
                self.too_many, code="too_many", params={"max": self.max_count}
            )


class CompanyRegistrationForm(forms.Form):
    required_css_class = "required"  # the label gets a visible asterisk (CSS)

    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 chiffres, indiqués sur votre extrait Kbis ou l'avis de situation Insee."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    naf_code = forms.CharField(
        label=_("Code NAF (APE)"),
        max_length=8,
        required=False,
        help_text=_("Par exemple 43.21A ; il figure sur votre avis de situation Insee."),
        widget=forms.TextInput(attrs={"list": "naf-codes", "autocomplete": "off"}),
    )
    cpv_codes = forms.CharField(
        label=_("Catégories d'achat (codes CPV)"),
        required=False,
        max_length=2000,
        help_text=_(
            "Codes CPV séparés par des virgules, par exemple 45442100, 90910000. "
            "Recherchez-les par mot : peinture, nettoyage, traiteur…"
        ),
        widget=forms.TextInput(attrs={"data-cpv-picker": "", "autocomplete": "off"}),
    )
    contact_phone = PhoneNumberField(
        label=_("Téléphone"),
        region="FR",
        required=False,
        error_messages={
            "invalid": _(
                "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89 "
                "ou +33 1 23 45 67 89."
            )
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    available_slots = forms.TypedMultipleChoiceField(
        label=_("Vos disponibilités le matin"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne cochez rien si vous êtes disponible toute la matinée."),
    )
    # Ids checked against the rule in one query each (``clean``), not as choices: the catalogue
    # may hold ten thousand lines. The template draws these two fields itself (the wish picker).
    wish_organisations = WishIdsField(
        label=_("Les acheteurs que vous souhaitez rencontrer"), max_count=MAX_POSTED_IDS
    )
    wish_contracts = WishIdsField(
        label=_("Les marchés prévisionnels dont vous souhaitez parler"),
        max_count=MAX_WISH_CONTRACTS,
        too_many=_(
            "Choisissez au plus %(max)s marchés prévisionnels : retirez-en quelques-uns de vos "
            "choix."
        ),
    )
    training_topics = forms.ModelMultipleChoiceField(
        label=_("Thèmes de formation qui vous intéressent"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("Elle sert à vous connecter et à recevoir les messages de la convention."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The typed password is sent back after an error so that nothing typed is lost.
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    consent = forms.BooleanField(
        label=_(
            "J'ai lu la notice sur les données personnelles et j'accepte qu'Est Ensemble traite "
            "ces informations pour organiser la convention."
        ),
        error_messages={
            "required": _("Votre accord est nécessaire pour traiter votre inscription.")
        },
    )

    # The buyers' directory (spaser.sourcing): off unless ticked; changeable later in the space.
    directory_consent = forms.BooleanField(
        label=_("Je souhaite que mon entreprise figure dans l'annuaire des fournisseurs locaux"),
        required=False,
        help_text=_(
            "Les acheteurs publics connectés y verront votre activité, vos références et votre "
            "contact. Vous pourrez changer d'avis à tout moment dans votre espace."
        ),
    )

    def __init__(
        self,
        *args,
        edition: Edition,
        with_account: bool = True,
        company: Company | None = None,
        registration: Registration | None = None,
        **kwargs,
    ):
        self.edition = edition
        self.company = company
        data = args[0] if args else kwargs.get("data")
        #: The no-JavaScript wish search (a "Rechercher" or page button posted the whole form):
        #: the bound form is shown again, nothing saved, no error shown.
        self.searching = bool(data) and (
            any(name in data for name in WISH_SEARCH_BUTTONS) or enter_in_wish_search(data)
        )
        self.registration = registration
        self.with_account = with_account
        if registration is not None and "initial" not in kwargs:
            kwargs["initial"] = registration_initial(registration)
        elif company is not None and "initial" not in kwargs:
            kwargs["initial"] = company_initial(company)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if with_account:
            del self.fields["contact_email"]
        else:
            for name in ("email", "password1", "password2"):
                del self.fields[name]
        if registration is not None:
            del self.fields["consent"]
            del self.fields["directory_consent"]  # changed in the space instead
        elif company is not None:
            self.fields["directory_consent"].initial = bool(company.directory_consent)
        if company is not None:
            self.fields["siret"].disabled = True
            self.fields["siret"].help_text = _("Le SIRET ne change pas ; écrivez-nous au besoin.")
        self.fields["creation_year"].widget.attrs.update(min=1800, max=dt.date.today().year)
        self.fields["available_slots"].choices = [
            (slot.index, slot.label) for slot in edition.slots
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and field.max_length is None:
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
        for name, (empty, choices) in EMPTY_CHOICES.items():
            self.fields[name].choices = [("", empty), *choices.choices]
        for name in REQUIRED:
            self.fields[name].required = True

    # --- sections and wishes, for the template -----------------------------------------------

    def sections(self) -> list[dict]:
        """The page's sections with their bound fields (those this mode shows)."""
        if not hasattr(self, "_sections"):
            self._sections = [
                {"anchor": anchor, "title": title, "fields": fields}
                for anchor, title, names in SECTIONS
                if (fields := [self[name] for name in names if name in self.fields])
            ]
        return self._sections

    def _activity(self) -> tuple[list[str], str]:
        """The CPV codes and keywords typed (or known): what the suggested wishes follow."""
        if self.is_bound:
            return cpv_codes_parse(self.data.get("cpv_codes", "")), self.data.get("keywords", "")
        return cpv_codes_parse(self.initial.get("cpv_codes", "")), self.initial.get("keywords", "")

    def _posted_ids(self, name: str) -> list[int]:
        """The ids of a wish field as shown (bound or initial), junk left out."""
        if self.is_bound:
            return ids_param(self.data, name)
        values = self[name].value() or []
        values = values if isinstance(values, list | tuple) else [values]
        ids = (parse_int(v, None, min_value=1, max_value=MAX_ID) for v in values)
        return list(dict.fromkeys(i for i in ids if i is not None))

    def _kept(self) -> tuple[set[int], set[int]]:
        """(buyer ids, contract ids) the registration already wished: they may stay even when
        no longer allowed (as the service says); empty for a new registration."""
        if not hasattr(self, "_kept_ids"):
            self._kept_ids = (set(), set())
            if self.registration is not None:
                wishes = self.registration.wishes.only("organisation_id", "planned_contract_id")
                self._kept_ids = wishes_kept(wishes)
        return self._kept_ids

    def wish_chosen(self) -> list:
        """The planned contracts chosen (checked, always shown, unticked to remove)."""
        if not hasattr(self, "_chosen"):
            ids = self._posted_ids("wish_contracts")
            kept = self._kept()[1] if self.is_bound else set(ids)
            self._chosen = wish_contracts_shown(edition=self.edition, ids=ids, kept=kept)
        return self._chosen

    def wish_suggestions(self) -> list[dict]:
        """Up to 20 planned contracts that fit the activity typed, best first, with reasons;
        those already chosen left out."""
        if not hasattr(self, "_suggested"):
            codes, keywords = self._activity()
            self._suggested = wish_suggestions(
                edition=self.edition,
                cpv_codes=codes,
                keywords=keywords,
                exclude=self._posted_ids("wish_contracts"),
            )
        return self._suggested

    def wish_query(self) -> str:
        return (self.data.get("wish_q", "") if self.is_bound else "")[:200]

    def wish_results(self):
        """One page of the search typed in the wish picker (no-JavaScript path), or None."""
        if getattr(self, "search_refused", False):  # over the searches' rate limit
            return None
        if not hasattr(self, "_results"):
            number = int_param(self.data, "wish_page", 1, min_value=1, max_value=10_000)
            self._results = wish_search_page(
                edition=self.edition, query=self.wish_query(), number=number
            )
        return self._results

    def wish_shown_elsewhere(self) -> set[int]:
        """Contract ids with a checkbox above the results (chosen or suggested): a result among
        them gets no second checkbox of the same value."""
        return {c.pk for c in self.wish_chosen()} | {
            item["contract"].pk for item in self.wish_suggestions()
        }

    def wish_buyers(self) -> list[tuple[int, str, bool]]:
        """(id, name, checked) of every buyer one may ask to meet (cached list, no query)."""
        chosen = set(self._posted_ids("wish_organisations"))
        return [
            (pk, name, pk in chosen) for pk, name in wish_organisation_choices(edition=self.edition)
        ]

    def wish_buyers_chosen(self) -> int:
        return len(self._posted_ids("wish_organisations"))

    # --- the no-JavaScript search re-display: no validation, never valid ------------------------

    def full_clean(self) -> None:
        if self.searching:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.searching and super().is_valid()

    # --- field rules --------------------------------------------------------------------------

    def clean_siret(self) -> str:
        """A well-formed SIRET. Whether it already has an account is not said here (that would
        tell any visitor): the service e-mails the company instead."""
        if self.company is not None:
            return self.company.siret
        return siret_clean(self.cleaned_data.get("siret", ""))

    def clean_creation_year(self):
        year = self.cleaned_data.get("creation_year")
        if year is not None and year < 1800:
            raise forms.ValidationError(_("L'année de création commence à 1800."))
        year = self.cleaned_data.get("creation_year")
        if year is not None and year > dt.date.today().year:
            raise forms.ValidationError(_("L'année de création ne peut pas être dans le futur."))
        return year

    def clean_postal_code(self) -> str:
        value = "".join(self.cleaned_data.get("postal_code", "").split())
        if not re.fullmatch(r"[0-9]{5}", value):
            raise forms.ValidationError(_("Le code postal comporte 5 chiffres, par exemple 93100."))
        return value

    def clean_naf_code(self) -> str:
        raw = self.cleaned_data.get("naf_code", "")
        if not raw.strip():
            return ""
        code = naf_normalise(raw)
        if code not in naf_subclasses():
            raise forms.ValidationError(
                _("Le code NAF « %(code)s » n'existe pas : il a la forme 43.21A."),
                params={"code": raw.strip()},
            )
        return code

    def clean_cpv_codes(self) -> list[str]:
        codes = cpv_codes_parse(self.cleaned_data.get("cpv_codes", ""))
        malformed = [c for c in codes if not re.fullmatch(r"[0-9]{8}", c)]
        if malformed:
            raise forms.ValidationError(
                _("Un code CPV comporte 8 chiffres : « %(codes)s » ne convient pas."),
                params={"codes": ", ".join(malformed)},
            )
        if len(codes) > MAX_CPV_CODES:
            raise forms.ValidationError(
                _("Choisissez au plus %(max)s codes CPV."), params={"max": MAX_CPV_CODES}
            )
        known = set(CpvCode.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(
                _("Code CPV inconnu : %(codes)s. Recherchez la catégorie par son libellé."),
                params={"codes": ", ".join(unknown)},
            )
        return codes

    def clean_email(self) -> str:
        return self.cleaned_data.get("email", "").strip().lower()

    def clean(self):
        data = super().clean()
        if data.get("ess_status") == EssStatus.SIAE and not data.get("siae_type"):
            self.add_error("siae_type", _("Précisez le type de SIAE."))
        elif data.get("ess_status") and data.get("ess_status") != EssStatus.SIAE:
            data["siae_type"] = ""
        if self.with_account:
            password1, password2 = data.get("password1"), data.get("password2")
            if password1 and password2 and password1 != password2:
                self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
            elif password1:
                user = User(
                    email=data.get("email", ""),
                    first_name=data.get("contact_name", ""),
                )
                try:
                    password_validation.validate_password(password1, user)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
            data["contact_email"] = data.get("email", "")
        # The rule (one query each) applies to what is added; a wish already made may stay.
        kept_orgs, kept_contracts = self._kept()
        if "wish_organisations" in data:
            refusal = wishes_refusal(
                edition=self.edition,
                organisation_ids=set(data["wish_organisations"]) - kept_orgs,
            )
            if refusal:
                self.add_error("wish_organisations", refusal)
        if "wish_contracts" in data:
            refusal = wishes_refusal(
                edition=self.edition,
                organisation_ids=(),
                contract_ids=set(data["wish_contracts"]) - kept_contracts,
            )
            if refusal:
                self.add_error("wish_contracts", refusal)
        return data

    # --- what the service receives --------------------------------------------------------------

    def company_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in COMPANY_FIELDS if name != "cpv_codes"}
        if "directory_consent" in self.fields:
            data["directory_consent"] = bool(self.cleaned_data.get("directory_consent"))
        return data

    def registration_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in REGISTRATION_WRITABLE}

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())


# The company's and the registration's own fields, from the models (declared fields win).
CompanyRegistrationForm.base_fields = {
    **_model_fields(Company, COMPANY_FIELDS),
    **_model_fields(Registration, REGISTRATION_WRITABLE),
    **CompanyRegistrationForm.base_fields,
}


def company_initial(company: Company) -> dict:
    initial = {name: getattr(company, name) for name in COMPANY_FIELDS if name != "cpv_codes"}
    initial["contact_phone"] = company.contact_phone or ""
    initial["cpv_codes"] = ", ".join(c.code for c in company.cpv_codes.all())
    return initial


def registration_initial(registration: Registration) -> dict:
    initial = company_initial(registration.company)
    initial.update({name: getattr(registration, name) for name in REGISTRATION_WRITABLE})
    wishes = list(registration.wishes.all())
    initial["wish_organisations"] = [w.organisation_id for w in wishes if not w.planned_contract_id]
    initial["wish_contracts"] = [w.planned_contract_id for w in wishes if w.planned_contract_id]
    initial["training_topics"] = [t.pk for t in registration.training_topics.all()]
    return initial


class WishToggleForm(forms.Form):
    """The ids posted by a wish button, parsed (junk ids are a form error, never a 500). What
    may be wished is the service's rule (``companies.selectors.wish_refusal``)."""

    organisation = forms.ModelChoiceField(queryset=BuyerOrganisation.objects.all())
    planned_contract = forms.ModelChoiceField(
        queryset=PlannedContract.objects.all(), required=False
    )


def naf_choices() -> list[tuple[str, str]]:
    """For the NAF datalist: code and label of the 732 sub-classes."""
    return sorted(naf_subclasses().items())


__all__ = ["CompanyRegistrationForm", "cpv_codes_parse", "naf_choices", "naf_label", "siret_clean"]
