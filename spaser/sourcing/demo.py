"""Sourcing's part of the demo: most demo companies agreed to appear in the buyers' directory."""

import random

from django.utils import timezone

from companies.models import Company
from ellipse.core.stamps import stamp_bump

from .selectors import STAMP_DIRECTORY


def seed_sourcing(*, rng: random.Random) -> int:
    """Give (or refuse) the directory consent of companies not yet asked; safe to run twice."""
    now = timezone.now()
    agreed, refused = [], []
    for pk in Company.objects.filter(directory_consent__isnull=True).values_list("pk", flat=True):
        (agreed if rng.random() < 0.75 else refused).append(pk)
    Company.objects.filter(pk__in=agreed).update(directory_consent=True, directory_consent_at=now)
    Company.objects.filter(pk__in=refused).update(directory_consent=False, directory_consent_at=now)
    stamp_bump(STAMP_DIRECTORY)  # update() sends no signal
    return len(agreed)


def demo_seed(*, edition, rng: random.Random) -> None:
    """Part of ``seed_demo``: about three companies in four agree to appear in the directory."""
    seed_sourcing(rng=rng)
