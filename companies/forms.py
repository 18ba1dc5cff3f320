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
    contracts_matching_activity,
    naf_label,
    naf_normalise,
    naf_subclasses,
    wishable_contracts,
    wishable_organisations,
    wishes_refusal,
)

MAX_CPV_CODES = 40
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
    wish_organisations = forms.TypedMultipleChoiceField(
        label=_("Les acheteurs que vous souhaitez rencontrer"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wish_contracts = forms.TypedMultipleChoiceField(
        label=_("Les marchés prévisionnels dont vous souhaitez parler"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
        self.contracts = list(
            wishable_contracts(edition=edition).prefetch_related("cpv_extra", "lots")
        )
        self.organisations = list(wishable_organisations(edition=edition))
        self.fields["wish_organisations"].choices = [(o.pk, o.name) for o in self.organisations]
        self.fields["wish_contracts"].choices = [(c.pk, str(c)) for c in self.contracts]
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

    def wish_suggestions(self) -> list[dict]:
        """Planned contracts that fit the company's activity, best first (shown first)."""
        if not hasattr(self, "_suggested"):
            codes, keywords = self._activity()
            chosen = {str(v) for v in (self["wish_contracts"].value() or [])}
            self._suggested = [
                {"contract": c, "checked": str(c.pk) in chosen}
                for c in contracts_matching_activity(
                    contracts=self.contracts, cpv_codes=codes, keywords=keywords
                )
            ]
        return self._suggested

    def wish_groups(self) -> list[dict]:
        """One group per buyer: the buyer's own checkbox and its other planned contracts (those
        not already suggested); a group with something chosen is shown open."""
        chosen_orgs = {str(v) for v in (self["wish_organisations"].value() or [])}
        chosen_contracts = {str(v) for v in (self["wish_contracts"].value() or [])}
        suggested = {item["contract"].pk for item in self.wish_suggestions()}
        by_org: dict[int, list] = {}
        for contract in self.contracts:
            if contract.pk in suggested:
                continue
            by_org.setdefault(contract.organisation_id, []).append(
                {"contract": contract, "checked": str(contract.pk) in chosen_contracts}
            )
        groups = []
        for org in self.organisations:
            contracts = by_org.get(org.pk, [])
            checked = str(org.pk) in chosen_orgs
            groups.append(
                {
                    "organisation": org,
                    "checked": checked,
                    "contracts": contracts,
                    "open": checked or any(item["checked"] for item in contracts),
                }
            )
        return groups

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
        refusal = wishes_refusal(
            edition=self.edition,
            organisation_ids=data.get("wish_organisations") or [],
            contract_ids=data.get("wish_contracts") or [],
        )
        if refusal:
            self.add_error("wish_organisations", refusal)
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
