"""Reads of the SPASER module: convention figures, the contracts register, indicators, funnel."""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, DecimalField, Exists, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from buyers.enums import ContractStatus, Reservation, Visibility
from buyers.models import BuyerOrganisation, PlannedContract
from buyers.selectors import CATALOGUE_STAMP
from companies.enums import EssStatus, RegistrationStatus, SizeClass
from companies.models import Registration
from ellipse.core.stamps import stamp
from ellipse.editions.models import Edition
from meetings.enums import MeetingStatus
from meetings.models import Meeting

from .indicators import DIALOGUE, THRESHOLD, share
from .models import (
    Contract,
    ContractHolder,
    DecpImport,
    DecpImportRecord,
    ManualEntry,
    RecordOutcome,
)


def convention_figures(*, edition: Edition | None) -> dict:
    """Registrations, retained companies and planned contracts of an edition, in 3 queries."""
    if edition is None:
        return {}
    regs = Registration.objects.filter(edition=edition).aggregate(
        registered=Count("pk"),
        retained=Count("pk", filter=Q(status=RegistrationStatus.RETAINED)),
        retained_local=Count(
            "pk", filter=Q(status=RegistrationStatus.RETAINED, company__is_local=True)
        ),
        retained_ess=Count(
            "pk",
            filter=Q(status=RegistrationStatus.RETAINED) & ~Q(company__ess_status=EssStatus.NONE),
        ),
        retained_small=Count(
            "pk",
            filter=Q(
                status=RegistrationStatus.RETAINED,
                company__size_class__in=[SizeClass.MICRO, SizeClass.ARTISAN],
            ),
        ),
    )
    contracts = (
        PlannedContract.objects.filter(year=edition.year)
        .exclude(status=ContractStatus.ABANDONED)
        .aggregate(
            total=Count("pk"),
            published=Count("pk", filter=Q(visibility=Visibility.PUBLISHED)),
            reserved=Count("pk", filter=~Q(reservation=Reservation.NONE)),
            social_clause=Count("pk", filter=Q(social_clause=True)),
            environmental=Count("pk", filter=Q(environmental_consideration=True)),
        )
    )
    buyers = BuyerOrganisation.objects.filter(participations__edition=edition).count()

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    return {
        "registrations": regs,
        "contracts": contracts,
        "buyers": buyers,
        "shares": {
            "retained": share(regs["retained"], regs["registered"]),
            "local": share(regs["retained_local"], regs["retained"]),
            "ess": share(regs["retained_ess"], regs["retained"]),
            "small": share(regs["retained_small"], regs["retained"]),
            "reserved": share(contracts["reserved"], contracts["total"]),
            "social_clause": share(contracts["social_clause"], contracts["total"]),
            "environmental": share(contracts["environmental"], contracts["total"]),
        },
    }


# --- contracts register -------------------------------------------------------------------


@dataclass(frozen=True)
class ContractSummary:
    """A notified contract as other apps see it."""

    id: int
    uid: str
    buyer_siret: str
    object: str
    amount_ht: Decimal | None
    notified_on: dt.date


def _summary(contract: Contract) -> ContractSummary:
    return ContractSummary(
        id=contract.pk,
        uid=contract.uid,
        buyer_siret=contract.buyer_siret,
        object=contract.object,
        amount_ht=contract.amount_ht,
        notified_on=contract.notified_on,
    )


def contracts_held(*, sirets) -> dict[str, list[ContractSummary]]:
    """Contracts held by each SIRET (newest first), in one query; SIRETs without any are absent."""
    sirets = set(sirets)
    out: dict[str, list[ContractSummary]] = {}
    if not sirets:
        return out
    holders = (
        ContractHolder.objects.filter(identifier__in=sirets)
        .select_related("contract")
        .order_by("-contract__notified_on", "contract__uid")
    )
    for holder in holders:
        out.setdefault(holder.identifier, []).append(_summary(holder.contract))
    return out


def contracts_between(
    *, pairs, since: dt.date, until: dt.date | None = None
) -> dict[tuple[str, str], list[ContractSummary]]:
    """Contracts notified in [since, until] by each buyer SIRET to each holder SIRET, one query."""
    pairs = set(pairs)
    out: dict[tuple[str, str], list[ContractSummary]] = {}
    if not pairs:
        return out
    holders = ContractHolder.objects.filter(
        identifier__in={h for _b, h in pairs},
        contract__buyer_siret__in={b for b, _h in pairs},
        contract__notified_on__gte=since,
    ).select_related("contract")
    if until is not None:
        holders = holders.filter(contract__notified_on__lte=until)
    for holder in holders.order_by("-contract__notified_on", "contract__uid"):
        key = (holder.contract.buyer_siret, holder.identifier)
        if key in pairs:
            out.setdefault(key, []).append(_summary(holder.contract))
    return out


def contracts_for(*, year: int | None = None, prefixes: tuple[str, ...] | None = None):
    """Contracts of a year whose buyer SIRET starts with one of ``prefixes`` (None: all)."""
    qs = Contract.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if prefixes is not None:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(buyer_siret__startswith=prefix)
        qs = qs.filter(condition)
    return qs


def _held_by(**company_filters):
    """Ids of contracts with a holder whose company matches: an uncorrelated subquery, which
    PostgreSQL evaluates once as a hashed set whatever the number of contracts."""
    return ContractHolder.objects.filter(company__isnull=False, **company_filters).values(
        "contract_id"
    )


SMALL_SIZES = [SizeClass.MICRO, SizeClass.PME, SizeClass.ARTISAN]
ESS_STATUSES = [s for s in EssStatus.values if s != EssStatus.NONE]


def register_indicators(*, year: int, prefixes: tuple[str, ...] | None = None) -> dict:
    """The indicators of ``spaser.indicators.compute`` aggregated in the database (2 queries)."""
    return register_indicators_by_year(years=[year], prefixes=prefixes)[year]


def register_indicators_by_year(
    *, years, prefixes: tuple[str, ...] | None = None
) -> dict[int, dict]:
    """``register_indicators`` for several years at once, still 2 queries (grouped by year)."""
    years = sorted(set(years))
    known = Q(pk__in=_held_by())
    small = Q(pk__in=_held_by(company__size_class__in=SMALL_SIZES))
    ess = Q(pk__in=_held_by(company__ess_status__in=ESS_STATUSES))
    ellipse = Q(pk__in=_held_by(company__in=Registration.objects.values("company_id")))
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
    rows = (
        contracts_for(prefixes=prefixes)
        .filter(year__in=years)
        .values("year")
        .order_by()
        .annotate(
            x_contracts=Count("pk"),
            x_amount_ht=Coalesce(Sum("amount_ht"), zero),
            x_environmental=Count("pk", filter=Q(is_environmental=True)),
            x_social=Count("pk", filter=Q(is_social=True)),
            x_over_40k=Count("pk", filter=Q(amount_ht__gt=THRESHOLD)),
            x_social_over_40k=Count("pk", filter=Q(amount_ht__gt=THRESHOLD, is_social=True)),
            x_reserved=Count("pk", filter=Q(is_reserved=True)),
            x_ess_contracts=Count("pk", filter=ess),
            x_small_under_40k=Count("pk", filter=small & Q(amount_ht__lt=THRESHOLD)),
            x_known_amount_ht=Coalesce(Sum("amount_ht", filter=known), zero),
            x_small_amount_ht=Coalesce(Sum("amount_ht", filter=small), zero),
            x_ellipse_contracts=Count("pk", filter=ellipse),
            x_ellipse_amount_ht=Coalesce(Sum("amount_ht", filter=ellipse), zero),
            x_ellipse_under_40k=Count("pk", filter=ellipse & Q(amount_ht__lt=THRESHOLD)),
            x_modified=Count("pk", filter=Q(modifications__gt=0)),
            x_dialogue=Count("pk", filter=Q(procedure=DIALOGUE)),
            x_innovative=Count("pk", filter=Q(innovative=True)),
            x_innovative_amount_ht=Coalesce(Sum("amount_ht", filter=Q(innovative=True)), zero),
        )
    )
    found = {row.pop("year"): row for row in rows}
    holders = dict(
        ContractHolder.objects.filter(
            contract__in=contracts_for(prefixes=prefixes).filter(year__in=years),
            company__in=Registration.objects.values("company_id"),
        )
        .values("contract__year")
        .order_by()
        .annotate(n=Count("company_id", distinct=True))
        .values_list("contract__year", "n")
    )
    empty = {
        key: (Decimal("0.00") if key.endswith("_ht") else 0)
        for key in (
            "x_contracts x_amount_ht x_environmental x_social x_over_40k x_social_over_40k "
            "x_reserved x_ess_contracts x_small_under_40k x_known_amount_ht x_small_amount_ht "
            "x_ellipse_contracts x_ellipse_amount_ht x_ellipse_under_40k x_modified x_dialogue "
            "x_innovative x_innovative_amount_ht"
        ).split()
    }
    out = {}
    for year in years:
        agg = {key.removeprefix("x_"): value for key, value in found.get(year, empty).items()}
        agg["ellipse_holders"] = holders.get(year, 0)
        agg["environmental_share"] = share(agg["environmental"], agg["contracts"])
        agg["social_share"] = share(agg["social"], agg["contracts"])
        agg["social_over_40k_share"] = share(agg["social_over_40k"], agg["over_40k"])
        agg["small_amount_share"] = share(agg["small_amount_ht"], agg["known_amount_ht"])
        agg["dialogue_share"] = share(agg["dialogue"], agg["contracts"])
        out[year] = agg
    return out


def manual_values(
    *, years, prefixes: tuple[str, ...] | None = None
) -> dict[tuple[int, str], Decimal]:
    """Sum of the manual entries per (year, indicator) for the buyers of ``prefixes``.

    An entry without buyer is Est Ensemble's: it counts when the filter includes Est Ensemble's
    SIREN or is « all buyers »."""
    from .groups import EST_ENSEMBLE_SIREN

    qs = ManualEntry.objects.filter(year__in=list(years))
    if prefixes is not None:
        condition = Q(pk__in=[])
        for prefix in prefixes:
            condition |= Q(buyer__siret__startswith=prefix)
        if any(
            EST_ENSEMBLE_SIREN.startswith(p) or p.startswith(EST_ENSEMBLE_SIREN) for p in prefixes
        ):
            condition |= Q(buyer__isnull=True)
        qs = qs.filter(condition)
    rows = qs.values("year", "indicator").annotate(total=Sum("value"))
    return {(r["year"], r["indicator"]): r["total"] for r in rows}


def data_date() -> dt.date | None:
    """The newest publication date in the register (the « data as of » shown with figures)."""
    agg = Contract.objects.aggregate(published=Max("published_on"), notified=Max("notified_on"))
    return agg["published"] or agg["notified"]


def open_defects(*, limit: int = 200):
    """Rejected records of the latest run of each file, not marked as handled."""
    latest = DecpImport.objects.filter(dry_run=False).values("file_name").annotate(last=Max("pk"))
    return (
        DecpImportRecord.objects.filter(
            run_id__in=[row["last"] for row in latest],
            outcome=RecordOutcome.REJECTED,
            resolved=False,
        )
        .select_related("run")
        .order_by("run_id", "position")[:limit]
    )


def edition_funnel(*, edition: Edition) -> dict:
    """Registered → qualified → retained → met a buyer → holds a contract within 24 months."""
    regs = Registration.objects.filter(edition=edition)
    counts = regs.aggregate(
        registered=Count("pk"),
        qualified=Count(
            "pk",
            filter=Q(qualified_at__isnull=False)
            | Q(status__in=[RegistrationStatus.QUALIFIED, RegistrationStatus.RETAINED]),
        ),
        retained=Count("pk", filter=Q(status=RegistrationStatus.RETAINED)),
    )
    met = Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED)
    start = edition.date
    end = _add_months(start, 24)
    window = Q(contract__notified_on__gt=start, contract__notified_on__lte=end)
    counts["met"] = met.values("company_id").distinct().count()
    counts["contract_any_buyer"] = (
        ContractHolder.objects.filter(window, company__in=met.values("company_id"))
        .values("company_id")
        .distinct()
        .count()
    )
    counts["contract_buyer_met"] = (
        ContractHolder.objects.filter(window, company__in=met.values("company_id"))
        .filter(
            Exists(
                met.filter(
                    company_id=OuterRef("company_id"),
                    buyer__siret=OuterRef("contract__buyer_siret"),
                )
            )
        )
        .values("company_id")
        .distinct()
        .count()
    )
    counts["window_end"] = end
    return counts


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- stamps of the dashboard (ellipse.core.stamps) ------------------------------------------
# The figures, charts and the rendered dashboard are cached under a key holding these stamps,
# so a write shows on the next render; CACHE_SECONDS (views) bounds what no stamp follows
# (meetings published, trainings attended, bulk writes of other apps), as before the stamps.

STAMP_REGISTER = "spaser.register"  # contracts register: bumped by decp_import / link
STAMP_MANUAL = "spaser.manual"  # ManualEntry saves and deletes (SpaserConfig.ready)
# Registrations, companies, planned contracts, buyer organisations, editions (their saves and
# deletes, SpaserConfig.ready): the convention figures, funnel, holders and the buyer filter.
STAMP_CONVENTION = "spaser.convention"
# With the catalogue's stamp: planned contracts written in bulk (forecast import, publication).
FIGURES_NAMESPACES = (STAMP_REGISTER, STAMP_MANUAL, STAMP_CONVENTION, CATALOGUE_STAMP)


def figures_stamp() -> str:
    """Changes whenever the figures may change: an import, a manual figure, a registration…"""
    return stamp(*FIGURES_NAMESPACES)


def buyer_choices() -> list[tuple[str, str]]:
    """(SIRET, name) of the buyer organisations with a SIRET, by name: the dashboard's filter,
    cached until an organisation changes."""
    key = f"spaser:buyer-choices:{stamp(STAMP_CONVENTION)}"
    choices = cache.get(key)
    if choices is None:
        choices = list(
            BuyerOrganisation.objects.filter(siret__isnull=False)
            .order_by("name")
            .values_list("siret", "name")
        )
        cache.set(key, choices, 24 * 3600)
    return choices
