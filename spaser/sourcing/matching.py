"""The one place where sourcing calls the meetings' matching rule (``buyers.matching``).

A planned contract → the companies whose CPV categories and keywords fit it, best first, with the
reasons said from the buyer's side. If the matching module changes its interface, only this file
changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buyers.matching import match_contract
from buyers.models import PlannedContract
from buyers.selectors import contract_info
from companies.models import Company

_DEPTH_TEXT = {
    2: gettext_lazy("même division CPV que le marché"),
    3: gettext_lazy("même groupe CPV que le marché"),
    4: gettext_lazy("même classe CPV que le marché"),
}


@dataclass
class SupplierMatch:
    company_id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    company: Company | None = None


def contract_matches(
    *, contract: PlannedContract, companies: QuerySet[Company]
) -> list[SupplierMatch]:
    """Every company of ``companies`` matching the line, best first (two queries, no objects)."""
    info = contract_info(contract)
    divisions = {code[:2] for code in info.codes}
    codes: dict[int, list[str]] = defaultdict(list)
    through = Company.cpv_codes.through.objects.filter(company__in=companies)
    for company_id, code in through.values_list("company_id", "cpvcode_id"):
        codes[company_id].append(code)
    out = []
    for pk, keywords in companies.values_list("pk", "keywords"):
        own = codes.get(pk, [])
        if not keywords and not any(c[:2] in divisions for c in own):
            continue
        match = match_contract(company_codes=own, keywords=keywords, contract=info)
        if match is None:
            continue
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
        out.append(SupplierMatch(company_id=pk, score=match.score, reasons=reasons))
    out.sort(key=lambda m: (-m.score, m.company_id))
    return out
