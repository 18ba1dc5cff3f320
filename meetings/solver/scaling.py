"""Float-to-integer weight scaling that keeps integer optima valid upper bounds."""

from __future__ import annotations

import math
from fractions import Fraction


def ceil_scaled(value: float, scale: int) -> int:
    """Return the exact ``ceil(value * scale)`` (never below the real product)."""
    approx = value * scale
    result = math.ceil(approx)
    if result - approx < 1e-3:
        result = math.ceil(Fraction(value) * scale)
    return result


def pick_scale(max_weight: float, terms: int, base: int, limit: int = 2**60) -> int:
    """Largest power-of-ten divisor of ``base`` keeping ``max_weight*scale*terms`` < limit."""
    scale = base
    while scale > 1 and (max_weight * scale + 1) * max(terms, 1) > limit:
        scale //= 10
    return scale
