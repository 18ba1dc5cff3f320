"""Reads of buyers/ that several places need, with their joins decided once.

buyers/ does not import companies/: the companies' wishes are reached through the reverse
relations ``PlannedContract.wishes`` and ``BuyerOrganisation.company_wishes``.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, TextField, Window
from django.db.models.expressions import Expression

from ellipse.core.search import strip_accents
from ellipse.core.stamps import stamp

from .enums import ContractStatus, Visibility
from .matching import ContractInfo
from .models import BuyerOrganisation, CpvCode, PlannedContract

#: Stamp namespace (``ellipse.core.stamps``) of what companies read and wish and the public
#: catalogue shows: planned contracts, their extra codes and lots, the buyers and their
#: participations, CPV labels. Watched in ``BuyersConfig.ready``; the bulk writes (forecast
#: import, publication, CPV load) bump it themselves.
CATALOGUE_STAMP = "buyers.catalogue"

# Lines companies may read: published to companies and not draft nor abandoned.
CATALOGUE_STATUSES = [ContractStatus.PUBLISHED, ContractStatus.LAUNCHED, ContractStatus.AWARDED]

CATALOGUE_CACHED_PAGES = 10  # pages 1-10 of each filter cached: a bounded number of keys
CATALOGUE_CACHE_SECONDS = 600  # and every key expires


def catalogue_stamp() -> str:
    return stamp(CATALOGUE_STAMP)


def published_planned_contracts(*, year: int | None = None) -> QuerySet[PlannedContract]:
    """Planned contracts companies may read (and wish, and be matched with): published to
    companies, neither draft nor abandoned; of one year when given."""
    qs = PlannedContract.objects.filter(
        visibility=Visibility.PUBLISHED, status__in=CATALOGUE_STATUSES
    )
    return qs if year is None else qs.filter(year=year)


def contract_info(contract: PlannedContract) -> ContractInfo:
    """What matching needs of a contract: main CPV first, then extra and lots' codes (prefetch
    ``cpv_extra`` and ``lots``), its text and the label used in reasons."""
    codes = [contract.cpv_main_id]
    codes += [c.pk for c in contract.cpv_extra.all() if c.pk not in codes]
    codes += [lot.cpv_id for lot in contract.lots.all() if lot.cpv_id and lot.cpv_id not in codes]
    return ContractInfo(
        id=contract.pk,
        codes=codes,
        text=f"{contract.title} {contract.description}",
        label=f"{contract.reference} — {contract.title}",
    )


AMOUNT_BANDS = {
    "lt40": (None, Decimal("40000")),
    "40-100": (Decimal("40000"), Decimal("100000")),
    "100-500": (Decimal("100000"), Decimal("500000")),
    "gte500": (Decimal("500000"), None),
}


def planned_contracts_for_organisation(
    *, organisation: BuyerOrganisation, year: int | None = None
) -> QuerySet[PlannedContract]:
    qs = (
        PlannedContract.objects.filter(organisation=organisation)
        .select_related("cpv_main")
        .order_by("-year", "reference")
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs


def planned_contracts_for_space(
    *, organisation: BuyerOrganisation, year: int | None = None
) -> QuerySet[PlannedContract]:
    """The buyer's lines with the number of interested companies and lots, in one query."""
    return planned_contracts_for_organisation(organisation=organisation, year=year).annotate(
        interested_count=Count("wishes", distinct=True),
        lots_count=Count("lots", distinct=True),
    )


def space_page(
    *, organisation: BuyerOrganisation, year: int | None, number: int, per_page: int
) -> Page:
    """One page of the buyer's lines with their counts; the number of lines is counted
    without the counts' joins. Out of range: the last page."""
    count = planned_contracts_for_organisation(organisation=organisation, year=year).count()
    paginator = _CountedPaginator(
        planned_contracts_for_space(organisation=organisation, year=year), per_page, count=count
    )
    return paginator.get_page(number)


def space_stamp_name(organisation_id: int) -> str:
    """The stamp of one organisation's lines in its space (ellipse.core.stamps)."""
    return f"buyers.space.{organisation_id}"


def organisation_years(*, organisation: BuyerOrganisation) -> list[int]:
    return list(
        PlannedContract.objects.filter(organisation=organisation)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def planned_contract_with_interest(*, contract_id: int, organisation: BuyerOrganisation):
    """One line of ``organisation`` with the companies that wish to meet about it."""
    return (
        PlannedContract.objects.filter(organisation=organisation, pk=contract_id)
        .select_related("cpv_main", "organisation")
        .prefetch_related(
            "cpv_extra",
            "lots__cpv",
            Prefetch(
                "wishes",
                queryset=_wishes_queryset(),
            ),
        )
        .first()
    )


def _wishes_queryset():
    # The model lives in companies/: take it from the reverse relation, no import.
    wish_model = PlannedContract.wishes.rel.related_model
    return wish_model.objects.select_related(
        "registration__company", "registration__edition"
    ).order_by("registration__company__legal_name")


def organisation_interest(*, organisation: BuyerOrganisation):
    """Companies wishing to meet the organisation itself (not about one line)."""
    return _wishes_queryset().filter(organisation=organisation, planned_contract__isnull=True)


@dataclass
class CatalogueFilters:
    q: str = ""
    organisation: int | None = None
    division: str = ""
    amount: str = ""
    quarter: int | None = None
    reserved: str = ""
    social_clause: bool = False
    year: int | None = None
    mine_company_id: int | None = None  # only the lines a company wished
    mine_edition_id: int | None = None

    def cache_key(self) -> str:
        """The filters, normalised (cleaned values, never the raw query string), as a short
        key for the cache."""
        parts = (
            " ".join(self.q.split()),
            self.organisation or "",
            self.division,
            self.amount,
            self.quarter or "",
            self.reserved,
            int(self.social_clause),
            self.year or "",
            self.mine_company_id or "",
            self.mine_edition_id or "",
        )
        text = "|".join(str(p) for p in parts)
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


SEARCH_CONFIG = "french_unaccent"  # buyers/migrations/0003: French stemming, no accents
SEARCH_FIELDS = (
    "reference",
    "title",
    "description",
    "cpv_main__label",
    "organisation__name",
    "organisation__short_name",
)


def search_key(text: str) -> str:
    """Lower case without accents, as PostgreSQL's ``unaccent(lower(…))`` gives it."""
    return strip_accents(text.lower())


class StoredColumn(Expression):
    """A column of the query's main table that the model does not declare (kept by triggers)."""

    def __init__(self, column: str, output_field) -> None:
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(self.column)}", []


def planned_contracts_search(qs: QuerySet[PlannedContract], text: str) -> QuerySet:
    """Lines matching every word of ``text`` (six at most), accents and case ignored.

    On PostgreSQL each word is found in the line's stored search document (reference, title,
    description, CPV label, buyer's names; buyers migration 0006 keeps it and its indexes)
    either as a part of a word once accents are removed (« creche » finds « Crèches ») or by
    French full-text search (« crèche » finds « crèches »): one condition per word, nothing
    rebuilt per line. Elsewhere (SQLite), ``unaccent`` + ``icontains`` on each field."""
    words = text.split()[:6]
    if not words:
        return qs
    if connection.vendor != "postgresql":
        for word in words:
            condition = Q()
            for name in SEARCH_FIELDS:
                condition |= Q(**{f"{name}__unaccent__icontains": word})
            qs = qs.filter(condition)
        return qs
    from django.contrib.postgres.search import SearchQuery, SearchVectorField

    qs = qs.alias(
        search_text=StoredColumn("search_text", output_field=TextField()),
        search_vector=StoredColumn("search_vector", output_field=SearchVectorField()),
    )
    for word in words:
        qs = qs.filter(
            Q(search_text__contains=search_key(word))
            | Q(search_vector=SearchQuery(word, config=SEARCH_CONFIG, search_type="plain"))
        )
    return qs


def catalogue_contracts(*, filters: CatalogueFilters) -> QuerySet[PlannedContract]:
    """Published planned contracts, filtered; ordered for a stable pagination."""
    qs = published_planned_contracts()
    if filters.q:
        qs = planned_contracts_search(qs, filters.q)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.division:
        qs = qs.filter(cpv_main__division=filters.division)
    if filters.amount in AMOUNT_BANDS:
        low, high = AMOUNT_BANDS[filters.amount]
        if low is not None:
            qs = qs.filter(estimated_amount__gte=low)
        if high is not None:
            qs = qs.filter(estimated_amount__lt=high)
    if filters.quarter:
        qs = qs.filter(publication_quarter=filters.quarter)
    if filters.reserved == "any":
        qs = qs.exclude(reservation="none")
    elif filters.reserved:
        qs = qs.filter(reservation=filters.reserved)
    if filters.social_clause:
        qs = qs.filter(social_clause=True)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.mine_company_id:
        qs = qs.filter(
            wishes__registration__company_id=filters.mine_company_id,
            wishes__registration__edition_id=filters.mine_edition_id,
        )
    return qs.select_related("organisation", "cpv_main").order_by(
        "-year", "publication_quarter", "organisation__name", "reference", "pk"
    )


class _CountedPaginator(Paginator):
    """A paginator told its count (by the page's own query) instead of asking the database."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def catalogue_page(
    *, filters: CatalogueFilters, number: int, per_page: int, stamp: str | None = None
) -> Page:
    """One page of the catalogue and how many lines match: a search in one query (a window
    count: its conditions are evaluated once), otherwise a count and the page, both served by
    the index of the default order. Out of range: the last page, as ``Paginator.get_page``
    gives it.

    Pages 1 to ``CATALOGUE_CACHED_PAGES`` of any filters but "mine" are kept in the cache
    (their lines and count) under the catalogue's stamp: another visitor's same page runs no
    query."""
    key = None
    if not filters.mine_company_id and number <= CATALOGUE_CACHED_PAGES:
        stamp = stamp or catalogue_stamp()
        key = f"buyers.catalogue.page:{stamp}:{filters.cache_key()}:{number}:{per_page}"
        found = cache.get(key)
        if found is not None:
            real_number, rows, count = found
            qs = catalogue_contracts(filters=filters)  # lazy: never run for a cached page
            return Page(rows, real_number, _CountedPaginator(qs, per_page, count=count))
    page = _catalogue_page(filters=filters, number=number, per_page=per_page)
    if key is not None:
        found = (page.number, list(page.object_list), page.paginator.count)
        cache.set(key, found, CATALOGUE_CACHE_SECONDS)
    return page


def _catalogue_page(*, filters: CatalogueFilters, number: int, per_page: int) -> Page:
    qs = catalogue_contracts(filters=filters)
    if not filters.q:
        # The index of the default order (catalogue_order_idx) serves the page, and the count
        # alone scans it: two cheap queries rather than one that sorts every line.
        return Paginator(qs, per_page).get_page(number)
    # A search: its conditions are evaluated once, the count read off the page's rows.
    start = (number - 1) * per_page
    rows = list(qs.annotate(matching_count=Window(Count("pk")))[start : start + per_page])
    if not rows and number > 1:
        return Paginator(qs, per_page).get_page(number)
    paginator = _CountedPaginator(qs, per_page, count=rows[0].matching_count if rows else 0)
    return Page(rows, number, paginator)


def catalogue_organisations() -> list[tuple[int, str]]:
    """Buyers with at least one published line (for the filter): (id, name)."""
    return list(
        BuyerOrganisation.objects.filter(
            planned_contracts__visibility=Visibility.PUBLISHED,
            planned_contracts__status__in=CATALOGUE_STATUSES,
        )
        .distinct()
        .order_by("name")
        .values_list("pk", "name")
    )


def catalogue_divisions() -> list[tuple[str, str]]:
    """CPV divisions (level 2), for the filter: (division, label)."""
    return list(CpvCode.objects.filter(level=2).order_by("code").values_list("division", "label"))


def catalogue_years() -> list[int]:
    return list(
        PlannedContract.objects.filter(
            visibility=Visibility.PUBLISHED, status__in=CATALOGUE_STATUSES
        )
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass(frozen=True)
class CatalogueChoices:
    """The filter's lists: buyers having published lines, CPV divisions, years."""

    organisations: list[tuple[int, str]]
    divisions: list[tuple[str, str]]
    years: list[int]


def catalogue_choices(*, stamp: str | None = None) -> CatalogueChoices:
    """The filter's lists, kept in the cache under the catalogue's stamp (three queries when
    the stamp moved on, none otherwise)."""
    key = f"buyers.catalogue.choices:{stamp or catalogue_stamp()}"
    found = cache.get(key)  # plain lists: nothing of this module's classes is pickled
    if found is None:
        found = (catalogue_organisations(), catalogue_divisions(), catalogue_years())
        cache.set(key, found, CATALOGUE_CACHE_SECONDS)
    organisations, divisions, years = found
    return CatalogueChoices(organisations=organisations, divisions=divisions, years=years)


@dataclass
class CompanyWishes:
    """What a company already asked for in the current edition."""

    contract_ids: set[int]
    organisation_ids: set[int]  # wishes to meet the buyer itself
    contracts: list[PlannedContract]


def company_wishes(*, company_id: int, edition_id: int) -> CompanyWishes:
    wishes = list(
        _wishes_queryset()
        .model.objects.filter(
            registration__company_id=company_id, registration__edition_id=edition_id
        )
        .select_related("organisation", "planned_contract")
        .order_by("organisation__name", "planned_contract__reference")
    )
    return CompanyWishes(
        contract_ids={w.planned_contract_id for w in wishes if w.planned_contract_id},
        organisation_ids={w.organisation_id for w in wishes if not w.planned_contract_id},
        contracts=wishes,
    )
