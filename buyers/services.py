"""Writes of buyers/: one entry point per business operation."""

from collections.abc import Iterable

from django.db import transaction

from .cpv import cpv_level, cpv_parse
from .models import CpvCode


@transaction.atomic
def cpv_load_rows(*, rows: Iterable[tuple[str, str]]) -> int:
    """Create or update CPV codes from ``(code, French label)`` pairs; returns how many."""
    existing = set(CpvCode.objects.values_list("code", flat=True))
    to_create, to_update = [], []
    for raw_code, label in rows:
        code8, check = cpv_parse(raw_code)
        obj = CpvCode(
            code=code8,
            check_digit=check,
            label=label.strip()[:400],
            level=cpv_level(code8),
            division=code8[:2],
        )
        (to_update if code8 in existing else to_create).append(obj)
    CpvCode.objects.bulk_create(to_create, batch_size=1000)
    CpvCode.objects.bulk_update(
        to_update, ["check_digit", "label", "level", "division"], batch_size=1000
    )
    return len(to_create) + len(to_update)
