"""Meeting reasons rendered as French sentences: the one place that writes them.

``Meeting.reasons`` (and ``RelevanceScore.reasons``) store data — a ``kind`` (``ReasonKind``) and
its parameters: contract id and reference, CPV depth and codes, keywords, wish side, policy.
The planning page, the HTML and PDF agendas and the e-mails all call :func:`reason_lines` (or
:func:`meetings_reason_lines` for many meetings, one query for their contracts), so a reason
reads the same everywhere, is translated here, and names live contract titles and amounts.

``audience``: ``"company"`` (the company reads: its codes are "votre CPV"), ``"buyer"`` or
``"staff"`` (the code is the company's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buyers.match_reasons import cpv_reason_text, keyword_reason_text
from buyers.models import PlannedContract

from .enums import ReasonKind, ReasonPolicy


@dataclass(frozen=True)
class ContractRow:
    id: int
    reference: str
    title: str
    amount: Decimal | None = None
    quarter: int | None = None
    year: int | None = None

    @property
    def label(self) -> str:
        return f"{self.reference} — {self.title}" if self.title else self.reference


@dataclass(frozen=True)
class ReasonLine:
    """One reason, written out; ``contract`` when it is about a planned contract."""

    kind: str
    text: str
    contract: ContractRow | None = None

    @property
    def amount(self) -> Decimal | None:
        return self.contract.amount if self.contract else None

    @property
    def quarter(self) -> int | None:
        return self.contract.quarter if self.contract else None


def reason_contract_ids(reasons_lists: Iterable[list[dict]]) -> set[int]:
    return {pk for reasons in reasons_lists for r in reasons or [] if (pk := _contract_id(r))}


def contract_rows(ids: Iterable[int]) -> dict[int, ContractRow]:
    """Live reference, title, amount and quarter of these planned contracts (one query)."""
    ids = set(ids)
    if not ids:
        return {}
    return {
        pk: ContractRow(pk, reference, title, amount, quarter, year)
        for pk, reference, title, amount, quarter, year in PlannedContract.objects.filter(
            pk__in=ids
        ).values_list("pk", "reference", "title", "estimated_amount", "publication_quarter", "year")
    }


def _contract_id(reason: dict) -> int | None:
    # "planned_contract_id": rows written before reasons were structured (see migration 0004)
    return reason.get("contract_id") or reason.get("planned_contract_id")


def _contract(reason: dict, contracts: Mapping[int, ContractRow]) -> ContractRow | None:
    pk = _contract_id(reason)
    if not pk:
        return None
    return contracts.get(pk) or ContractRow(pk, reason.get("reference", ""), "")


def _policy_text(reason: dict, company) -> str:
    policy = reason.get("policy")
    if policy == ReasonPolicy.MUTUAL:
        return _("Souhait réciproque.")
    if policy == ReasonPolicy.ESS:
        return _("Structure de l'économie sociale et solidaire (%(status)s).") % {
            "status": company.get_ess_status_display()
        }
    if policy == ReasonPolicy.SMALL:
        return f"{company.get_size_class_display()}."
    if policy == ReasonPolicy.LOCAL:
        return _("Implantée à %(commune)s, sur le territoire d'Est Ensemble.") % {
            "commune": company.commune
        }
    return ""


def reason_text(
    reason: dict, *, buyer, company, contract: ContractRow | None, audience: str = "company"
) -> str:
    """One stored reason as a sentence."""
    kind = reason.get("kind")
    if "text" in reason:  # an unstructured sentence, shown as it is
        return reason["text"]
    label = contract.label if contract else reason.get("reference", "")
    if kind == ReasonKind.CPV:
        return cpv_reason_text(reason, label=label, audience=audience)
    if kind == ReasonKind.KEYWORD:
        return keyword_reason_text(reason, label=label)
    if kind == ReasonKind.MORE_CONTRACTS:
        count = int(reason.get("count") or 0)
        values = {"n": count, "buyer": buyer.name}
        if audience == "company":
            return (
                ngettext(
                    "Et %(n)d autre marché prévu de %(buyer)s en rapport avec votre activité.",
                    "Et %(n)d autres marchés prévus de %(buyer)s en rapport avec votre activité.",
                    count,
                )
                % values
            )
        return (
            ngettext(
                "Et %(n)d autre marché prévu de %(buyer)s en rapport avec l'activité de "
                "l'entreprise.",
                "Et %(n)d autres marchés prévus de %(buyer)s en rapport avec l'activité de "
                "l'entreprise.",
                count,
            )
            % values
        )
    if kind == ReasonKind.COMPANY_WISH:
        if contract is not None:
            return _("%(company)s souhaite parler du marché « %(label)s » de %(buyer)s.") % {
                "company": company,
                "label": label,
                "buyer": buyer.name,
            }
        return _("%(company)s souhaite rencontrer %(buyer)s.") % {
            "company": company,
            "buyer": buyer.name,
        }
    if kind == ReasonKind.BUYER_WISH:
        return _("%(buyer)s souhaite rencontrer %(company)s.") % {
            "buyer": buyer.name,
            "company": company,
        }
    if kind == ReasonKind.POLICY:
        return _policy_text(reason, company)
    return reason.get("text", "")


def reason_lines(
    reasons: list[dict],
    *,
    buyer,
    company,
    contracts: Mapping[int, ContractRow],
    audience: str = "company",
) -> list[ReasonLine]:
    """Every stored reason of a pair, written for ``audience``."""
    lines = []
    for reason in reasons or []:
        contract = _contract(reason, contracts)
        text = reason_text(
            reason, buyer=buyer, company=company, contract=contract, audience=audience
        )
        if text:
            lines.append(ReasonLine(kind=reason.get("kind", ""), text=text, contract=contract))
    return lines


def meetings_reason_lines(meetings: Iterable, *, audience: str) -> dict[int, list[ReasonLine]]:
    """Meeting id → its reasons written out, for many meetings (``buyer`` and ``company``
    selected with them); their contracts read in one query."""
    meetings = list(meetings)
    contracts = contract_rows(reason_contract_ids(m.reasons for m in meetings))
    return {
        m.pk: reason_lines(
            m.reasons, buyer=m.buyer, company=m.company, contracts=contracts, audience=audience
        )
        for m in meetings
    }


def contracts_of(lines: list[ReasonLine]) -> list[ContractRow]:
    """The planned contracts a meeting is about, once each, in the order of its reasons."""
    seen: dict[int, ContractRow] = {}
    for line in lines:
        if line.contract is not None:
            seen.setdefault(line.contract.id, line.contract)
    return list(seen.values())
