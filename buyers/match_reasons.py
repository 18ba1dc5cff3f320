"""The sentences of a match's reasons (``buyers.matching.match_reasons``), translated here only.

``audience`` is who reads: ``"company"`` (its own codes are "votre CPV") or ``"buyer"`` / staff
(the code is the company's)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .matching import DEPTH_SCORES, FULL_DEPTH_SCORE, KEYWORD_CAP, KEYWORD_SCORE, SAME_CODE


def depth_label(depth: int, *, same_code: bool = False) -> str:
    """What two codes share, in words; a shared division alone says it is a loose link."""
    if depth >= SAME_CODE or same_code:
        return _("même code")
    if depth >= 5:
        return _("même catégorie")
    if depth == 4:
        return _("même classe")
    if depth == 3:
        return _("même groupe")
    return _("seulement la même division (rapprochement large)")


def cpv_reason_text(reason: dict, *, label: str, audience: str = "company") -> str:
    same = reason.get("company_code") == reason.get("contract_code")
    how = depth_label(int(reason.get("depth") or 0), same_code=same)
    values = {
        "theirs": reason.get("contract_code", ""),
        "own": reason.get("company_code", ""),
        "label": label,
        "how": how,
    }
    if audience == "company":
        return _("CPV %(theirs)s de « %(label)s » : %(how)s que votre CPV %(own)s") % values
    return _("CPV %(theirs)s de « %(label)s » : %(how)s que le CPV %(own)s de l'entreprise") % (
        values
    )


def keyword_reason_text(reason: dict, *, label: str) -> str:
    return _("Mots-clés trouvés dans « %(label)s » : %(keywords)s") % {
        "label": label,
        "keywords": ", ".join(reason.get("keywords") or []),
    }


def match_reason_texts(reasons: list[dict], *, labels: dict[int, str], audience: str) -> list[str]:
    """Sentences of CPV and keyword reasons; ``labels``: contract id → "REF — title"."""
    texts = []
    for reason in reasons:
        label = labels.get(reason.get("contract_id"), reason.get("reference", ""))
        if reason["kind"] == "cpv":
            texts.append(cpv_reason_text(reason, label=label, audience=audience))
        elif reason["kind"] == "keyword":
            texts.append(keyword_reason_text(reason, label=label))
    return texts


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def score_scale_help() -> str:
    """The score scale in one sentence, from ``buyers.matching``'s constants (admin help)."""
    parts = [
        f"{_number(DEPTH_SCORES[depth])} {depth_label(depth)}" for depth in sorted(DEPTH_SCORES)
    ]
    parts.append(f"{_number(FULL_DEPTH_SCORE)} {depth_label(5)}")
    return _(
        "CPV : %(scale)s ; les mots-clés ajoutent %(each)s chacun (%(cap)s au plus). Une "
        "division partagée sans autre lien n'est qu'un indice : elle ne suffit pas à une "
        "correspondance."
    ) % {
        "scale": ", ".join(parts),
        "each": _number(KEYWORD_SCORE),
        "cap": _number(KEYWORD_CAP),
    }


def score_filter_choices() -> list[tuple[str, str]]:
    """(minimum score, label) from the category down to the group, for admin filters."""
    levels = [(FULL_DEPTH_SCORE, 5)] + [
        (DEPTH_SCORES[d], d) for d in sorted(DEPTH_SCORES, reverse=True) if d >= 3
    ]
    return [(f"{score:g}", f"≥ {_number(score)} ({depth_label(depth)})") for score, depth in levels]
