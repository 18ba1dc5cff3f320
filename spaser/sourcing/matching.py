"""The one place where sourcing calls the meetings' matching rule (``buyers.matching``).

A planned contract → the companies whose CPV categories and keywords fit it, best first, with the
reasons said from the buyer's side. The companies are indexed once
(:meth:`~buyers.matching.MatchIndex.of_companies`, the contract → companies direction) and the
index is kept in the process, keyed on a fingerprint of its inputs (two aggregate queries): a
company, its codes or keywords changing gives a new key, so a stale index is never read. If the
matching module changes its interface, only this file changes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.matching import CompanyInfo, MatchIndex
from buyers.models import PlannedContract
from buyers.selectors import contract_info
from companies.models import Company

_DEPTH_TEXT = {
    2: gettext_lazy("même division CPV que le marché"),
    3: gettext_lazy("même groupe CPV que le marché"),
    4: gettext_lazy("même classe CPV que le marché"),
}
#: Company indexes kept per process (one per distinct set of companies asked for).
INDEX_CACHE_SIZE = 4
_indexes: dict[tuple, MatchIndex] = {}
_lock = threading.Lock()


@dataclass
class SupplierMatch:
    company_id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    company: Company | None = None


def _fingerprint(companies: QuerySet[Company]) -> tuple:
    """What the index reads of ``companies``: which they are, when they last changed, and
    their CPV links (the many-to-many does not touch ``updated_at``)."""
    own = companies.aggregate(n=Count("pk"), ids=Sum("pk"), at=Max("updated_at"))
    links = Company.cpv_codes.through.objects.filter(company__in=companies).aggregate(
        n=Count("pk"), ids=Sum("pk")
    )
    return (str(companies.query), *own.values(), *links.values())


def companies_index(companies: QuerySet[Company]) -> MatchIndex:
    """The matching index of ``companies`` (built at most once per state of its inputs)."""
    key = _fingerprint(companies)
    index = _indexes.get(key)
    if index is not None:
        return index
    codes: dict[int, list[str]] = defaultdict(list)
    through = Company.cpv_codes.through.objects.filter(company__in=companies)
    for company_id, code in through.values_list("company_id", "cpvcode_id").order_by("pk"):
        codes[company_id].append(code)
    index = MatchIndex.of_companies(
        CompanyInfo(id=pk, codes=codes.get(pk, []), keywords=keywords)
        for pk, keywords in companies.values_list("pk", "keywords")
    )
    with _lock:
        for old in [k for k in _indexes if k[0] == key[0]]:  # older states of these companies
            _indexes.pop(old, None)
        while len(_indexes) >= INDEX_CACHE_SIZE:
            _indexes.pop(next(iter(_indexes)))
        _indexes[key] = index
    return index


def contract_matches(
    *, contract: PlannedContract, companies: QuerySet[Company]
) -> list[SupplierMatch]:
    """Every company of ``companies`` matching the line, best first (two aggregate queries
    when the index is kept, two more to build it; no objects)."""
    out = []
    for match in companies_index(companies).matches_for_contract(contract_info(contract)):
        reasons = []
        if match.cpv_depth >= 5:
            reasons.append(_("même catégorie CPV que le marché"))
        elif match.cpv_depth:
            reasons.append(str(_DEPTH_TEXT[match.cpv_depth]))
        if match.keywords:
            reasons.append(
                _("mots-clés trouvés dans le marché : %(words)s")
                % {"words": ", ".join(match.keywords)}
            )
        out.append(SupplierMatch(company_id=match.company_id, score=match.score, reasons=reasons))
    return out
