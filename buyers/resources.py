"""The forecast spreadsheet, column by column.

``COLUMNS`` and the widgets (``forecast_widgets``) read what French buyers type: ``12 500,50``,
``15/03/2027``, ``T2``, procedure labels. The import (``buyers.services_forecasts``) uses the
widgets directly and validates in bulk; ``ForecastResource`` (django-import-export) writes the
exports with the same columns, so that an export can be edited and uploaded again.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from ellipse.core.stamps import stamp_bump

from .cpv import cpv_parse
from .enums import ContractStatus, Procedure, Reservation, Visibility
from .models import BuyerOrganisation, CpvCode, PlannedContract, PlannedContractLot
from .selectors import CATALOGUE_STAMP


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how headers and labels are compared."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_’']+", " ", text.lower()).strip()


# --- Widgets: each raises ValueError with a French message the preview shows in the cell ---


class FrenchDecimalWidget(widgets.Widget):
    """``12 500,50``, ``12500.5``, ``12 500 €``, ``1.250.000,00`` or a spreadsheet number."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError(_("« %(v)s » n'est pas un montant.") % {"v": value})
        if isinstance(value, int | float | Decimal):
            return Decimal(str(value)).quantize(Decimal("0.01"))
        text = re.sub(r"[\s\u00a0\u202f€]|HT|ht", "", str(value))
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".")
        elif "," in text:
            text = text.replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("« %(v)s » n'est pas un montant (exemple : 12 500,50).") % {"v": value}
            ) from None
        if not amount.is_finite():
            raise ValueError(_("« %(v)s » n'est pas un montant.") % {"v": value})
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}".replace(".", ",")


class TextWidget(widgets.CharWidget):
    """Text, trimmed; a number typed in a spreadsheet cell (``2027014.0``) reads as ``2027014``."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().clean(value, row, **kwargs).strip()


class FrenchIntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value))
        if re.fullmatch(r"\d+([.,]0+)?", text):
            return int(re.split(r"[.,]", text)[0])
        raise ValueError(_("« %(v)s » n'est pas un nombre entier.") % {"v": value})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class FrenchDateWidget(widgets.Widget):
    """``15/03/2027``, ``15-03-2027``, ``15.03.2027``, ``2027-03-15``, ``03/2027`` or a date."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
        if match and 1 <= int(match.group(1)) <= 12:
            return dt.date(int(match.group(2)), int(match.group(1)), 1)
        raise ValueError(
            _("« %(v)s » n'est pas une date (format JJ/MM/AAAA, ex. 15/03/2027).") % {"v": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.strftime("%d/%m/%Y")


class QuarterWidget(widgets.Widget):
    """``T2``, ``2``, ``Q2``, ``2e trimestre``."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = normalise(value if not isinstance(value, float) else int(value))
        match = re.fullmatch(
            r"(?:t|q|trimestre)?\s*(\d+)(?:\s*(?:er|e|eme)?\s*(?:trimestre)?)?", text
        )
        if not match or not 1 <= int(match.group(1)) <= 4:
            raise ValueError(
                _("Trimestre « %(v)s » hors limites : indiquez T1, T2, T3 ou T4 (ou 1 à 4).")
                % {"v": value}
            )
        return int(match.group(1))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"T{value}"


MONTHS = [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
]


class MonthWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = normalise(value if not isinstance(value, float) else int(value))
        if text in MONTHS:
            return MONTHS.index(text) + 1
        if text.isdigit() and 1 <= int(text) <= 12:
            return int(text)
        raise ValueError(
            _("Mois « %(v)s » inconnu : indiquez un nombre de 1 à 12 ou un nom (mars).")
            % {"v": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A value given by its code or its French label (accents and case ignored); an empty cell
    is ``empty`` (what the form gives: blank, or the field's default)."""

    def __init__(
        self, choices, aliases: dict[str, str] | None = None, *, noun: str, empty="", **kwargs
    ):
        super().__init__(**kwargs)
        self.choices = choices
        self.noun = noun
        self.empty = empty
        self.lookup = {}
        for value, label in choices.choices:
            self.lookup[normalise(value)] = value
            self.lookup[normalise(label)] = value
        for alias, value in (aliases or {}).items():
            self.lookup[normalise(alias)] = value

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return self.empty
        found = self.lookup.get(normalise(value))
        if found is None:
            allowed = " ; ".join(str(label) for label in self.choices.labels)
            raise ValueError(
                _("%(noun)s inconnu(e) « %(v)s ». Valeurs possibles : %(allowed)s.")
                % {"noun": self.noun, "v": value, "allowed": allowed}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label)


PROCEDURE_ALIASES = {
    "sans publicite ni mise en concurrence": Procedure.MAPA_SMALL,
    "gre a gre": Procedure.MAPA_SMALL,
    "< 40 k": Procedure.MAPA_SMALL,
    "moins de 40 k": Procedure.MAPA_SMALL,
    "mapa < 40 k": Procedure.MAPA_SMALL,
    "mapa": Procedure.MAPA,
    "procedure adaptee": Procedure.MAPA,
    "ao": Procedure.OPEN,
    "aoo": Procedure.OPEN,
    "appel d offres": Procedure.OPEN,
    "appel d offres ouvert": Procedure.OPEN,
    "aor": Procedure.RESTRICTED,
    "appel d offres restreint": Procedure.RESTRICTED,
    "procedure negociee": Procedure.NEGOTIATED,
    "negociee": Procedure.NEGOTIATED,
    "dialogue competitif": Procedure.DIALOGUE,
    "accord cadre": Procedure.FRAMEWORK,
    "accord-cadre": Procedure.FRAMEWORK,
    "autre": Procedure.OTHER,
}
RESERVATION_ALIASES = {
    "non": Reservation.NONE,
    "aucun": Reservation.NONE,
    "siae": Reservation.SIAE,
    "ea": Reservation.EA_ESAT,
    "esat": Reservation.EA_ESAT,
    "ea-esat": Reservation.EA_ESAT,
    "ea/esat": Reservation.EA_ESAT,
    "ea esat": Reservation.EA_ESAT,
    "ess": Reservation.ESS,
}
VISIBILITY_ALIASES = {
    "publiee": Visibility.PUBLISHED,
    "publique": Visibility.PUBLISHED,
    "oui": Visibility.PUBLISHED,
    "equipe": Visibility.STAFF,
    "equipe ellipse": Visibility.STAFF,
    "interne": Visibility.STAFF,
    "non": Visibility.STAFF,
}
STATUS_ALIASES = {
    "publie": ContractStatus.PUBLISHED,
    "publiee": ContractStatus.PUBLISHED,
    "lancee": ContractStatus.LAUNCHED,
    "lance": ContractStatus.LAUNCHED,
    "attribue": ContractStatus.AWARDED,
    "attribuee": ContractStatus.AWARDED,
    "abandonne": ContractStatus.ABANDONED,
    "abandonnee": ContractStatus.ABANDONED,
}

TRUE_WORDS = {"oui", "o", "x", "1", "vrai", "true", "yes", "y"}
FALSE_WORDS = {"non", "n", "0", "faux", "false", "no", ""}


class FrenchBooleanWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        text = normalise(value if not isinstance(value, float) else int(value))
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(_("« %(v)s » : répondez par oui ou non.") % {"v": value})

    def render(self, value, obj=None, **kwargs):
        return _("oui") if value else _("non")


class CpvCache:
    """Every CPV code in memory once per import (9,454 codes): one query, not one per cell."""

    def __init__(self):
        self._codes: dict[str, CpvCode] | None = None

    def _load(self) -> dict[str, CpvCode]:
        if self._codes is None:
            self._codes = {c.code: c for c in CpvCode.objects.all()}
        return self._codes

    def by_code(self, code: str | None) -> CpvCode | None:
        """The code of 8 digits as stored (``cpv_main_id``), without a query per line."""
        return self._load().get(code) if code else None

    def get(self, value) -> CpvCode:
        self._load()
        raw = str(value).strip()
        if isinstance(value, float | int) and not isinstance(value, bool):
            raw = str(int(value)).zfill(8)
        try:
            code8, _check = cpv_parse(raw)
        except ValueError:
            raise ValueError(
                _("« %(v)s » n'est pas un code CPV (8 chiffres, ex. 45210000-2).") % {"v": value}
            ) from None
        found = self._codes.get(code8)
        if found is None:
            raise ValueError(_("Code CPV inconnu « %(v)s ».") % {"v": value})
        return found


class CpvWidget(widgets.Widget):
    def __init__(self, cache: CpvCache, **kwargs):
        super().__init__(**kwargs)
        self.cache = cache

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return None
        return self.cache.get(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.display_code


class CpvListWidget(widgets.ManyToManyWidget):
    """Extra CPV codes separated by commas, semicolons, spaces or new lines."""

    def __init__(self, cache: CpvCache, **kwargs):
        super().__init__(CpvCode, field="code", **kwargs)
        self.cache = cache

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return []
        parts = [p for p in re.split(r"[\s,;|]+", str(value)) if p]
        codes, seen = [], set()
        for part in parts:
            code = self.cache.get(part)
            if code.code not in seen:
                seen.add(code.code)
                codes.append(code)
        return codes

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(c.display_code for c in value.all())


@dataclass(frozen=True)
class LotSpec:
    number: int
    title: str
    cpv_id: str | None
    amount: Decimal | None


class LotsWidget(widgets.Widget):
    """Lots in one cell: ``intitulé ; code CPV ; montant`` per lot, lots separated by ``|`` or
    new lines. CPV and amount are optional; lots are numbered in order."""

    def __init__(self, cache: CpvCache, **kwargs):
        super().__init__(**kwargs)
        self.cache = cache
        self.amount = FrenchDecimalWidget()

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return []
        lots = []
        for number, chunk in enumerate(
            [c for c in re.split(r"[|\n]+", str(value)) if c.strip()], start=1
        ):
            parts = [p.strip() for p in chunk.split(";")]
            if len(parts) > 3 or not parts[0]:
                raise ValueError(
                    _("Lot %(n)s illisible : écrivez « intitulé ; code CPV ; montant ».")
                    % {"n": number}
                )
            parts += [""] * (3 - len(parts))
            cpv = self.cache.get(parts[1]) if parts[1] else None
            try:
                amount = self.amount.clean(parts[2])
            except ValueError as error:
                raise ValueError(_("Lot %(n)s : %(e)s") % {"n": number, "e": error}) from None
            lots.append(LotSpec(number, parts[0][:300], cpv.code if cpv else None, amount))
        return lots

    def render(self, value, obj=None, **kwargs):
        return lots_render(value or [])


def lots_render(lots) -> str:
    chunks = []
    for lot in lots:
        cpv_id = lot.cpv_id
        amount = lot.amount if isinstance(lot, LotSpec) else lot.estimated_amount
        parts = [lot.title, cpv_id or "", FrenchDecimalWidget().render(amount)]
        chunks.append(" ; ".join(parts).rstrip(" ;"))
    return " | ".join(chunks)


# --- The columns of the forecast file, in order ---


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool
    help: str


COLUMNS = [
    Column(
        "reference",
        "Référence",
        True,
        "Identifiant stable de la ligne dans votre organisation (ex. 2027-014). Laissée vide, "
        "Ellipse en génère une : reprenez-la ensuite pour mettre la ligne à jour.",
    ),
    Column("title", "Objet", True, "Objet du marché, en une phrase (300 caractères au plus)."),
    Column("description", "Description", False, "Besoin, lieux, quantités, contraintes."),
    Column(
        "cpv_main",
        "Code CPV principal",
        True,
        "Code de la nomenclature CPV à 8 chiffres, avec ou sans clé (45210000-2).",
    ),
    Column(
        "cpv_extra",
        "Codes CPV complémentaires",
        False,
        "Autres codes CPV, séparés par des virgules.",
    ),
    Column(
        "estimated_amount",
        "Montant estimé (€ HT)",
        False,
        "Montant total estimé hors taxes, en euros (ex. 12 500,50).",
    ),
    Column(
        "publication_quarter",
        "Trimestre de publication",
        False,
        "T1, T2, T3 ou T4 (ou 1 à 4).",
    ),
    Column("publication_month", "Mois de publication", False, "1 à 12 ou nom du mois."),
    Column("expected_start", "Démarrage prévu", False, "Date JJ/MM/AAAA (ou MM/AAAA)."),
    Column(
        "duration_months", "Durée (mois)", False, "Durée totale en mois, reconductions comprises."
    ),
    Column("procedure", "Procédure envisagée", False, "Voir les valeurs autorisées."),
    Column("reservation", "Marché réservé", False, "Non, SIAE, EA-ESAT ou ESS."),
    Column("social_clause", "Clause sociale", False, "oui ou non."),
    Column("insertion_hours", "Heures d'insertion", False, "Nombre d'heures d'insertion estimé."),
    Column(
        "environmental_consideration",
        "Considération environnementale",
        False,
        "oui ou non.",
    ),
    Column("innovation", "Achat innovant", False, "oui ou non."),
    Column("renewal", "Renouvellement", False, "oui si le marché renouvelle un marché existant."),
    Column("contact_name", "Contact", False, "Personne à contacter."),
    Column("contact_email", "E-mail du contact", False, "Adresse e-mail de cette personne."),
    Column(
        "visibility",
        "Visibilité",
        False,
        "« Publiée aux entreprises » ou « Réservée à l'équipe Ellipse ».",
    ),
    Column("status", "Statut", False, "Brouillon, Publiée, Consultation lancée, Attribuée…"),
    Column(
        "lots",
        "Lots",
        False,
        "Un lot par ligne de la cellule ou séparés par « | » : intitulé ; code CPV ; montant.",
    ),
]
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]
_HEADER_ALIASES = {normalise(c.header): c.header for c in COLUMNS} | {
    normalise("Montant estimé"): "Montant estimé (€ HT)",
    normalise("Montant"): "Montant estimé (€ HT)",
    normalise("Trimestre"): "Trimestre de publication",
    normalise("CPV"): "Code CPV principal",
    normalise("Code CPV"): "Code CPV principal",
    normalise("Procédure"): "Procédure envisagée",
    normalise("Durée"): "Durée (mois)",
}


def canonical_header(header) -> str | None:
    """The column a header in a buyer's file stands for, or None when unknown."""
    if header is None:
        return None
    return _HEADER_ALIASES.get(normalise(header))


def forecast_widgets(cpv_cache: CpvCache) -> dict[str, widgets.Widget]:
    """The widget reading each column of the forecast file (by model field)."""
    choice = ChoiceWidget
    return {
        "reference": TextWidget(),
        "title": TextWidget(),
        "description": TextWidget(),
        "cpv_main": CpvWidget(cpv_cache),
        "cpv_extra": CpvListWidget(cpv_cache),
        "estimated_amount": FrenchDecimalWidget(),
        "publication_quarter": QuarterWidget(),
        "publication_month": MonthWidget(),
        "expected_start": FrenchDateWidget(),
        "duration_months": FrenchIntegerWidget(),
        "procedure": choice(Procedure, PROCEDURE_ALIASES, noun=_("Procédure")),
        "reservation": choice(
            Reservation, RESERVATION_ALIASES, noun=_("Réservation"), empty=Reservation.NONE
        ),
        "social_clause": FrenchBooleanWidget(),
        "insertion_hours": FrenchIntegerWidget(),
        "environmental_consideration": FrenchBooleanWidget(),
        "innovation": FrenchBooleanWidget(),
        "renewal": FrenchBooleanWidget(),
        "contact_name": TextWidget(),
        "contact_email": TextWidget(),
        "visibility": choice(
            Visibility,
            VISIBILITY_ALIASES,
            noun=_("Visibilité"),
            empty=PlannedContract._meta.get_field("visibility").default,
        ),
        "status": choice(
            ContractStatus,
            STATUS_ALIASES,
            noun=_("Statut"),
            empty=PlannedContract._meta.get_field("status").default,
        ),
        "lots": LotsWidget(cpv_cache),
    }


class ForecastInstanceLoader(CachedInstanceLoader):
    """Existing lines of this organisation and year, loaded in one query."""


class NoDiff:
    """The preview shows statuses and messages, not an HTML diff: skip that work per row."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class ForecastResource(resources.ModelResource):
    """One row = one planned contract of ``organisation`` for ``year``, matched on reference."""

    def __init__(self, *, organisation: BuyerOrganisation | None = None, year=None, **kwargs):
        super().__init__(**kwargs)
        self.organisation = organisation
        self.year = year
        self.cpv_cache = CpvCache()
        widgets_by_field = forecast_widgets(self.cpv_cache)
        self.fields = {}
        for column in COLUMNS:
            attribute = "_import_lots" if column.field == "lots" else column.field
            self.fields[column.field] = fields.Field(
                attribute=attribute,
                column_name=column.header,
                widget=widgets_by_field[column.field],
            )
        self.duplicates: dict[str, int] = {}
        self.line_numbers: list[int] = []

    class Meta:
        model = PlannedContract
        fields = ()
        import_id_fields = ("reference",)
        instance_loader_class = ForecastInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def get_import_id_fields(self):
        return ["reference"]

    def get_diff_class(self):
        return NoDiff

    def get_import_order(self):
        return tuple(c.field for c in COLUMNS)

    def get_export_order(self):
        return tuple(c.field for c in COLUMNS)

    def get_queryset(self):
        qs = PlannedContract.objects.select_related("cpv_main", "organisation")
        if self.organisation is not None:
            qs = qs.filter(organisation=self.organisation)
        if self.year is not None:
            qs = qs.filter(year=self.year)
        return qs

    def init_instance(self, row=None):
        return PlannedContract(organisation=self.organisation, year=self.year)

    def before_import_row(self, row, **kwargs):
        number = kwargs.get("row_number")
        reference = str(row.get("Référence") or "").strip()
        first = self.duplicates.get(reference)
        if first is not None and first != number:
            raise ValidationError(
                {
                    "reference": _(
                        "Référence « %(ref)s » en double dans le fichier (déjà ligne %(line)s)."
                    )
                    % {"ref": reference, "line": self.line_number(first)}
                }
            )

    def line_number(self, row_number: int) -> int:
        """The line the buyer sees in their spreadsheet for the n-th data row (1-based)."""
        if self.line_numbers and 0 < row_number <= len(self.line_numbers):
            return self.line_numbers[row_number - 1]
        return row_number + 1

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Model validation (``clean_model_instances``), minus the per-row queries already
        covered: the organisation is ours, the CPV codes come from the cache, duplicates are
        found in the file, and the database constraints stay the last guard."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors.keys(), "organisation", "cpv_main"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            if field.attribute == "_import_lots":
                wanted = [
                    (lot.number, lot.title, lot.cpv_id, lot.amount)
                    for lot in getattr(instance, "_import_lots", [])
                ]
                existing = [
                    (lot.number, lot.title, lot.cpv_id, lot.estimated_amount)
                    for lot in original.lots.order_by("number")
                ]
                if wanted != existing:
                    return False
            elif isinstance(field.widget, widgets.ManyToManyWidget):
                wanted = sorted(c.pk for c in field.clean(row))
                if wanted != sorted(original.cpv_extra.values_list("pk", flat=True)):
                    return False
            elif field.get_value(instance) != field.get_value(original):
                return False
        return True

    def save_instance(self, instance, is_create, row, **kwargs):
        instance._import_is_new = is_create
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        # A new line without extra codes has nothing to set: spare two queries per row.
        field = self.fields["cpv_extra"]
        if getattr(instance, "_import_is_new", False) and (
            field.column_name not in row or not field.clean(row)
        ):
            return
        super().save_m2m(instance, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        lots = getattr(instance, "_import_lots", None)
        if lots is None or "Lots" not in row:
            return
        if getattr(instance, "_import_is_new", False):
            if not lots:
                return
        else:
            instance.lots.all().delete()
        stamp_bump(CATALOGUE_STAMP)  # bulk_create: no signal
        PlannedContractLot.objects.bulk_create(
            PlannedContractLot(
                contract=instance,
                number=lot.number,
                title=lot.title,
                cpv_id=lot.cpv_id,
                estimated_amount=lot.amount,
            )
            for lot in lots
        )

    # --- export: the same columns (formulas are neutralised by the file writers) ---

    def export_field(self, field, instance, **kwargs):
        if field.attribute == "_import_lots":
            if instance.pk is None:
                return ""
            return lots_render(instance.lots.all())
        return super().export_field(field, instance, **kwargs)
