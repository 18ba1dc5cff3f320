"""Reads of the buyers' directory: who may appear, the search, and why each result matches."""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from buyers.cpv import cpv_prefix
from buyers.matching import words
from companies.enums import EssStatus, RegistrationStatus, SiaeType
from companies.models import Company, Registration
from ellipse.core.stamps import stamp
from ellipse.core.territory import COMMUNES

from .enums import StructureType
from .search_sql import SEARCH_CONFIG

# The directory's generation stamp (ellipse.core.stamps): results and filter choices are cached
# under it. Bumped by the saves and deletes of companies, their CPV codes, registrations and
# editions (SourcingConfig.ready) and by the bulk writes of this app (demo).
STAMP_DIRECTORY = "sourcing.directory"
RESULTS_SECONDS = 10 * 60  # what no stamp follows (a CPV label refresh in bulk) shows by then

TERRITORY = "territoire"  # the commune filter's value for "any of the 9 communes"
_CPV_RE = re.compile(r"^(\d{2,8})(?:-\d)?$")
_NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Za-z])$")


@dataclass(frozen=True)
class DirectoryQuery:
    """What a buyer asked the directory (every part optional)."""

    activity: str = ""  # words, CPV codes (ex. 45210000) and NAF codes (ex. 43.34Z)
    commune: str = ""  # "" any, TERRITORY the 9 communes, or a commune's name
    structure: str = ""  # a StructureType
    size: str = ""  # a companies.enums.SizeClass
    took_part: bool = False  # retained at an edition of the convention


@dataclass(frozen=True)
class Activity:
    cpv: tuple[str, ...] = ()  # significant prefixes: "4521"
    naf: tuple[str, ...] = ()  # normalised: "43.34Z"
    text: str = ""


@dataclass
class DirectoryRow:
    company: Company
    reasons: list[str] = field(default_factory=list)


def activity_parse(value: str) -> Activity:
    """Split what was typed into CPV codes, NAF codes and words."""
    cpv, naf, text = [], [], []
    for token in re.split(r"[\s,;]+", (value or "").strip()):
        if not token:
            continue
        if m := _CPV_RE.match(token):
            digits = m.group(1)
            cpv.append(cpv_prefix(digits) if len(digits) == 8 else digits)
        elif m := _NAF_RE.match(token):
            naf.append(f"{m.group(1)}.{m.group(2)}{m.group(3).upper()}")
        else:
            text.append(token)
    return Activity(cpv=tuple(cpv), naf=tuple(naf), text=" ".join(text))


def cpv_parents(prefix: str) -> list[str]:
    """The 8-digit codes of a prefix's ancestors: "4521" → ["45000000", "45200000"]."""
    return [prefix[:k].ljust(8, "0") for k in range(2, len(prefix))]


def directory_companies() -> QuerySet[Company]:
    """Companies that agreed to appear in the directory; nobody else, anywhere."""
    return Company.objects.filter(directory_consent=True)


def _structure_q(structure: str) -> Q:
    siae = {f"siae_{v}": v for v in SiaeType.values}
    if structure == StructureType.SIAE:
        return Q(ess_status=EssStatus.SIAE)
    if structure in siae:
        return Q(ess_status=EssStatus.SIAE, siae_type=siae[structure])
    return {
        StructureType.EA_ESAT: Q(ess_status__in=[EssStatus.EA, EssStatus.ESAT]),
        StructureType.ASSOCIATION: Q(ess_status=EssStatus.ASSOCIATION),
        StructureType.COOPERATIVE: Q(ess_status__in=[EssStatus.SCOP, EssStatus.SCIC]),
        StructureType.ESUS: Q(ess_status=EssStatus.ESUS),
        StructureType.OTHER: Q(ess_status=EssStatus.NONE),
    }.get(structure, Q())


def _cpv_q(prefixes: tuple[str, ...]) -> Q:
    through = Company.cpv_codes.through.objects.filter(company_id=OuterRef("pk"))
    wanted = Q()
    for prefix in prefixes:
        wanted |= Q(cpvcode__code__startswith=prefix) | Q(cpvcode_id__in=cpv_parents(prefix))
    return Q(Exists(through.filter(wanted)))


def _text_fallback(queryset: QuerySet[Company], text: str) -> tuple[list[int], list[int]]:
    """Without PostgreSQL: every word (accents folded, lightly stemmed) in the company's text.
    Returns the ids found in names or keywords, and those found in the description or labels."""
    wanted = words(text)
    headline, other = [], []
    for pk, legal, trade, keywords, description, labels in queryset.values_list(
        "pk", "legal_name", "trade_name", "keywords", "description", "labels"
    ):
        if wanted <= words(f"{legal} {trade} {keywords}"):
            headline.append(pk)
        elif wanted <= words(f"{legal} {trade} {keywords} {description} {labels}"):
            other.append(pk)
    return headline, other


def directory_search(*, query: DirectoryQuery) -> QuerySet[Company]:
    """Consenting companies matching every part of the query, best first when words were given."""
    qs = directory_companies()
    activity = activity_parse(query.activity)
    if activity.cpv:
        qs = qs.filter(_cpv_q(activity.cpv))
    if activity.naf:
        qs = qs.filter(naf_code__in=[*activity.naf, *(n.replace(".", "") for n in activity.naf)])
    if query.commune == TERRITORY:
        qs = qs.filter(is_local=True)
    elif query.commune:
        qs = qs.filter(commune__iexact=query.commune)
    if query.structure:
        qs = qs.filter(_structure_q(query.structure))
    if query.size:
        qs = qs.filter(size_class=query.size)
    if query.took_part:
        qs = qs.filter(
            Exists(
                Registration.objects.filter(
                    company_id=OuterRef("pk"), status=RegistrationStatus.RETAINED
                )
            )
        )
    order = ["legal_name", "pk"]
    if activity.text:
        if connection.vendor == "postgresql":
            # The vector stored by the trigger (models.SearchDocument), names and keywords first.
            search = SearchQuery(activity.text, config=SEARCH_CONFIG, search_type="websearch")
            qs = qs.filter(search_document__document=search).annotate(
                rank=SearchRank(F("search_document__document"), search)
            )
            order = ["-rank", *order]
        else:
            headline, other = _text_fallback(qs, activity.text)
            qs = qs.filter(pk__in=headline + other).annotate(
                rank=Case(When(pk__in=headline, then=Value(1.0)), default=Value(0.0))
            )
            order = ["-rank", *order]
    return qs.order_by(*order)


def directory_prefetch(queryset: QuerySet[Company]) -> QuerySet[Company]:
    """What a result row and its reasons need, in two queries for the whole page."""
    return queryset.prefetch_related(
        "cpv_codes",
        Prefetch(
            "registrations",
            queryset=Registration.objects.filter(status=RegistrationStatus.RETAINED)
            .select_related("edition")
            .order_by("-edition__year"),
            to_attr="retained_registrations",
        ),
    )


def match_reasons(*, company: Company, query: DirectoryQuery) -> list[str]:
    """Why a company is in the result, in French (from prefetched data)."""
    activity = activity_parse(query.activity)
    reasons = []
    for code in company.cpv_codes.all():
        for prefix in activity.cpv:
            if code.code.startswith(prefix):
                reasons.append(
                    _("CPV %(code)s « %(label)s »")
                    % {"code": code.display_code, "label": code.label}
                )
            elif code.code in cpv_parents(prefix):
                reasons.append(
                    _("CPV %(code)s « %(label)s », catégorie parente de %(query)s")
                    % {"code": code.display_code, "label": code.label, "query": prefix}
                )
    if activity.naf:
        reasons.append(_("Code NAF %(naf)s") % {"naf": company.naf_code})
    if activity.text:
        text = " ".join(
            (
                company.legal_name,
                company.trade_name,
                company.description,
                company.keywords,
                company.labels,
            )
        )
        found = words(activity.text) & words(text)
        if found:
            reasons.append(
                _("Mots trouvés dans l'activité : %(words)s") % {"words": ", ".join(sorted(found))}
            )
        else:
            reasons.append(_("Activité proche de « %(text)s »") % {"text": activity.text})
    if query.commune:
        reasons.append(_("Implantée à %(commune)s") % {"commune": company.commune})
    if query.structure:
        reasons.append(_("Structure : %(label)s") % {"label": StructureType(query.structure).label})
    if query.size:
        reasons.append(_("Taille : %(label)s") % {"label": company.get_size_class_display()})
    if query.took_part:
        years = ", ".join(str(r.edition.year) for r in company.retained_registrations)
        reasons.append(_("A participé à la convention : %(years)s") % {"years": years})
    return reasons


def directory_rows(*, companies, query: DirectoryQuery) -> list[DirectoryRow]:
    return [DirectoryRow(c, match_reasons(company=c, query=query)) for c in companies]


def directory_stamp() -> str:
    """Changes whenever a directory result may change (consent included: at once)."""
    return stamp(STAMP_DIRECTORY)


def directory_querystring(query: DirectoryQuery) -> str:
    """The query as the directory's form spells it, empty parts left out: one spelling per query
    (the results' cache key, their pages' and exports' links)."""
    params = {
        "activite": " ".join(query.activity.split()),
        "commune": query.commune,
        "structure": query.structure,
        "taille": query.size,
        "participation": "on" if query.took_part else "",
    }
    return urlencode({name: value for name, value in params.items() if value})


def commune_choices() -> list[tuple[str, str]]:
    """The 9 communes first, then the other communes of consenting companies (cached until a
    company changes)."""
    nine = [c.name for c in COMMUNES]
    key = f"sourcing:directory-communes:{directory_stamp()}"
    others = cache.get(key)
    if others is None:
        folded = {n.lower() for n in nine}
        found = directory_companies().order_by().values_list("commune", flat=True).distinct()
        others = sorted({c for c in found if c and c.lower() not in folded})
        cache.set(key, others, RESULTS_SECONDS)
    return [
        ("", _("Toutes les communes")),
        (TERRITORY, _("Les 9 villes d'Est Ensemble")),
        *((n, n) for n in nine),
        *((n, n) for n in others),
    ]


def supplier_get(*, pk: int) -> Company | None:
    """A consenting company's sheet, with what the sheet shows; None otherwise."""
    return directory_prefetch(directory_companies().filter(pk=pk)).first()
