"""CPV codes without Django: parsing, levels and the prefix hierarchy.

A CPV code has 8 digits and a check digit (``45210000-2``). Its level is the number of
significant digits before the trailing zeros: 2 = division, 3 = group, 4 = class, 5 = category.
"""

import re

_CODE_RE = re.compile(r"^\s*(\d{8})(?:\s*-\s*(\d))?\s*$")


def cpv_parse(value: str) -> tuple[str, str]:
    """``"45210000-2"`` → ``("45210000", "2")``; raises ``ValueError`` (French) when malformed."""
    match = _CODE_RE.match(str(value or ""))
    if not match:
        raise ValueError(f"« {value} » n'est pas un code CPV (8 chiffres, ex. 45210000-2).")
    return match.group(1), match.group(2) or ""


def cpv_level(code8: str) -> int:
    """Number of significant digits, at least 2 (the division)."""
    return max(2, len(code8.rstrip("0")))


def cpv_prefix(code8: str) -> str:
    """The significant part of a code: ``45210000`` → ``4521``."""
    return code8[: cpv_level(code8)]


def cpv_shared_depth(a: str, b: str) -> int:
    """How many leading significant digits two codes share (0 when divisions differ).

    Only the digits significant in both codes count: ``45000000`` and ``45210000`` share 2."""
    depth = 0
    for x, y in zip(cpv_prefix(a), cpv_prefix(b), strict=False):
        if x != y:
            break
        depth += 1
    return depth if depth >= 2 else 0
