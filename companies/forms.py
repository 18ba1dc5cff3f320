"""The company registration form (public) and its edit form (the company's space).

One form for both: ``with_account`` adds the e-mail and password that create the account,
``company`` (an existing company) fixes the SIRET, ``registration`` pre-fills an edit. Every rule
gives a French message next to its field; the service checks the database rules again."""

import datetime as dt
import re

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from buyers.models import CpvCode
from ellipse.accounts.models import User
from ellipse.core.siret import siret_validate
from ellipse.editions.models import Edition

from .enums import EssStatus, HeadcountBand, SiaeType, SizeClass, TurnoverBand
from .models import Company, Registration, Topic
from .selectors import (
    naf_label,
    naf_normalise,
    naf_subclasses,
    wishable_contracts,
    wishable_organisations,
)
from .services.registration import COMPANY_WRITABLE, REGISTRATION_WRITABLE

MAX_CPV_CODES = 40

# The fields written on Company (the SIRET only on creation) and on Registration: the service's.
COMPANY_FIELDS = ("siret", *COMPANY_WRITABLE)
REGISTRATION_FIELDS = REGISTRATION_WRITABLE

# Sections of the page, in order: (anchor, title, field names). The template walks these.
SECTIONS = (
    (
        "identite",
        _("Identité de l'entreprise"),
        (
            "siret",
            "legal_name",
            "trade_name",
            "legal_form",
            "creation_year",
            "size_class",
            "headcount_band",
            "turnover_band",
        ),
    ),
    ("ess", _("Économie sociale et solidaire"), ("ess_status", "siae_type", "labels")),
    ("adresse", _("Adresse"), ("address", "postal_code", "commune", "work_area")),
    (
        "activite",
        _("Activité"),
        ("description", "naf_code", "cpv_codes", "keywords", "references"),
    ),
    (
        "intentions",
        _("Vos intentions pour la convention"),
        (
            "wants_cocontracting",
            "wants_subcontracting",
            "available_slots",
            "wish_organisations",
            "wish_contracts",
            "workshops",
            "training_topics",
            "training_needs",
        ),
    ),
    (
        "contact",
        _("Contact et compte"),
        (
            "contact_name",
            "contact_role",
            "email",
            "contact_email",
            "contact_phone",
            "password1",
            "password2",
            "accessibility_needs",
        ),
    ),
    ("consentement", _("Données personnelles"), ("consent",)),
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

    # Identity
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 chiffres, indiqués sur votre extrait Kbis ou l'avis de situation Insee."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    legal_name = forms.CharField(label=_("Raison sociale"), max_length=200)
    trade_name = forms.CharField(label=_("Nom commercial"), max_length=200, required=False)
    legal_form = forms.CharField(
        label=_("Forme juridique"),
        max_length=80,
        required=False,
        help_text=_("Par exemple : SARL, SAS, entreprise individuelle, association loi 1901."),
    )
    creation_year = forms.IntegerField(
        label=_("Année de création"),
        required=False,
        min_value=1800,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    size_class = forms.ChoiceField(label=_("Catégorie d'entreprise"), choices=SizeClass.choices)
    headcount_band = forms.ChoiceField(
        label=_("Effectif"),
        choices=[("", _("— Choisir —")), *HeadcountBand.choices],
        required=False,
    )
    turnover_band = forms.ChoiceField(
        label=_("Chiffre d'affaires annuel"),
        choices=[("", _("— Choisir —")), *TurnoverBand.choices],
        required=False,
    )
    # ESS
    ess_status = forms.ChoiceField(
        label=_("Statut ESS"), choices=EssStatus.choices, initial=EssStatus.NONE
    )
    siae_type = forms.ChoiceField(
        label=_("Type de SIAE"),
        choices=[("", _("— Sans objet —")), *SiaeType.choices],
        required=False,
        help_text=_("Seulement si votre structure est une SIAE."),
    )
    labels = forms.CharField(
        label=_("Labels et certifications"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Un par ligne, par exemple : Qualibat, RGE, ISO 14001, Ecocert."),
    )
    # Address
    address = forms.CharField(
        label=_("Adresse"),
        max_length=250,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    work_area = forms.CharField(
        label=_("Zone d'intervention"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : Est Ensemble, Seine-Saint-Denis, Île-de-France, France."),
    )
    # Activity
    description = forms.CharField(
        label=_("Ce que vous proposez"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vos produits, services ou travaux, en quelques phrases."),
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
    keywords = forms.CharField(
        label=_("Mots-clés"),
        max_length=400,
        required=False,
        help_text=_("Séparés par des virgules, par exemple : peinture, ravalement, isolation."),
    )
    references = forms.CharField(
        label=_("Références"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Marchés publics ou privés déjà réalisés : client, objet, année."),
    )
    # Intentions
    wants_cocontracting = forms.BooleanField(
        label=_("Intéressée par la cotraitance (répondre à plusieurs)"), required=False
    )
    wants_subcontracting = forms.BooleanField(
        label=_("Intéressée par la sous-traitance"), required=False
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
    workshops = forms.CharField(
        label=_("Ateliers de l'après-midi qui vous intéressent"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    training_topics = forms.ModelMultipleChoiceField(
        label=_("Thèmes de formation qui vous intéressent"),
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    training_needs = forms.CharField(
        label=_("Besoins de formation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : répondre à un appel d'offres, la dématérialisation, le DUME."),
    )
    # Contact
    contact_name = forms.CharField(
        label=_("Nom et prénom du contact"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_role = forms.CharField(
        label=_("Fonction"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("Elle sert à vous connecter et à recevoir les messages de la convention."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail du contact"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
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
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    accessibility_needs = forms.CharField(
        label=_("Besoins d'accessibilité pour la journée"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fauteuil roulant, interprète LSF, boucle magnétique…"),
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
        # Set by clean_siret when the SIRET is already registered: the page offers to sign in.
        self.duplicate_siret = False
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
        if company is not None:
            self.fields["siret"].disabled = True
            self.fields["siret"].help_text = _("Le SIRET ne change pas ; écrivez-nous au besoin.")
        self.fields["creation_year"].widget.attrs["max"] = dt.date.today().year
        self.fields["available_slots"].choices = [
            (slot.index, slot.label) for slot in edition.slots
        ]
        self.contracts = list(wishable_contracts(edition=edition))
        self.organisations = list(wishable_organisations(edition=edition))
        self.fields["wish_organisations"].choices = [(o.pk, o.name) for o in self.organisations]
        self.fields["wish_contracts"].choices = [(c.pk, str(c)) for c in self.contracts]

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

    def wish_groups(self) -> list[dict]:
        """One group per buyer: the buyer's own checkbox and its planned contracts."""
        chosen_orgs = {str(v) for v in (self["wish_organisations"].value() or [])}
        chosen_contracts = {str(v) for v in (self["wish_contracts"].value() or [])}
        by_org: dict[int, list] = {}
        for contract in self.contracts:
            by_org.setdefault(contract.organisation_id, []).append(
                {"contract": contract, "checked": str(contract.pk) in chosen_contracts}
            )
        return [
            {
                "organisation": org,
                "checked": str(org.pk) in chosen_orgs,
                "contracts": by_org.get(org.pk, []),
            }
            for org in self.organisations
        ]

    # --- field rules --------------------------------------------------------------------------

    def clean_siret(self) -> str:
        if self.company is not None:
            return self.company.siret
        number = siret_clean(self.cleaned_data.get("siret", ""))
        existing = Company.objects.filter(siret=number).first()
        if existing is not None:
            if existing.registrations.filter(edition=self.edition).exists():
                self.duplicate_siret = True
                raise forms.ValidationError(
                    _(
                        "Cette entreprise est déjà inscrite à l'édition %(year)s. "
                        "Connectez-vous pour consulter ou modifier son inscription."
                    ),
                    params={"year": self.edition.year},
                    code="duplicate",
                )
            if existing.memberships.exists():
                self.duplicate_siret = True
                raise forms.ValidationError(
                    _(
                        "Cette entreprise a déjà un compte sur Ellipse (éditions précédentes). "
                        "Connectez-vous pour l'inscrire à l'édition %(year)s."
                    ),
                    params={"year": self.edition.year},
                    code="has_account",
                )
        return number

    def clean_creation_year(self):
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
        email = self.cleaned_data.get("email", "").strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse e-mail : connectez-vous, ou "
                    "choisissez une autre adresse."
                ),
                code="email_taken",
            )
        return email

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
        return data

    # --- what the service receives --------------------------------------------------------------

    def company_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in COMPANY_FIELDS}

    def registration_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in REGISTRATION_FIELDS}

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())


def company_initial(company: Company) -> dict:
    initial = {name: getattr(company, name) for name in COMPANY_FIELDS}
    initial["contact_phone"] = company.contact_phone or ""
    initial["cpv_codes"] = ", ".join(c.code for c in company.cpv_codes.all())
    return initial


def registration_initial(registration: Registration) -> dict:
    initial = company_initial(registration.company)
    initial.update({name: getattr(registration, name) for name in REGISTRATION_FIELDS})
    wishes = list(registration.wishes.all())
    initial["wish_organisations"] = [w.organisation_id for w in wishes if not w.planned_contract_id]
    initial["wish_contracts"] = [w.planned_contract_id for w in wishes if w.planned_contract_id]
    initial["training_topics"] = [t.pk for t in registration.training_topics.all()]
    return initial


def naf_choices() -> list[tuple[str, str]]:
    """For the NAF datalist: code and label of the 732 sub-classes."""
    return sorted(naf_subclasses().items())


__all__ = ["CompanyRegistrationForm", "cpv_codes_parse", "naf_choices", "naf_label", "siret_clean"]
