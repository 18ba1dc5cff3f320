"""``seed_demo``: a realistic dataset at the 2024 convention's scale, safe to run twice.

Each installed app brings its own part in a ``demo`` module with
``demo_seed(*, edition, rng) -> list[DemoLogin] | None``; this module creates the demo edition
and calls them in the order of ``INSTALLED_APPS`` (the layering order), without importing any
domain app itself.
"""

import datetime as dt
import random
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from ellipse.accounts.demo import DemoLogin
from ellipse.accounts.roles import Role
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

LOGIN_ORDER = [Role.STAFF.label, Role.BUYER.label, Role.COMPANY.label, Role.OFFICIAL.label]


def demo_edition(*, today: dt.date | None = None) -> Edition:
    """The demo edition: next spring's convention, registrations open until 6 weeks before."""
    today = today or timezone.localdate()
    year = today.year + 1 if today.month >= 6 else today.year
    date = dt.date(year, 4, 9)
    deadline = timezone.make_aware(
        dt.datetime.combine(date - dt.timedelta(days=42), dt.time(23, 59))
    )
    edition, _created = Edition.objects.get_or_create(
        year=year,
        defaults={
            "title": f"Portes ouvertes de la commande publique {year}",
            "date": date,
            "venue": "Hôtel de territoire d'Est Ensemble",
            "venue_address": "100 avenue Gaston-Roussel, 93230 Romainville",
            "access_info": "Métro 11 Romainville – Carnot ; bus 105 et 129. Accès de plain-pied.",
            "registration_deadline": deadline,
            "status": EditionStatus.REGISTRATION_OPEN,
            "morning_start": dt.time(9, 0),
            "welcome_minutes": 30,
            "slot_minutes": 20,
            "slot_count": 9,
            "breaks": [{"after_slot": 4, "minutes": 10}],
            "afternoon_programme": "Ateliers : clauses sociales, marchés de travaux, "
            "répondre en groupement, la dématérialisation.",
        },
    )
    return edition


def demo_modules() -> list:
    """The ``demo`` module of each installed app that has one, in ``INSTALLED_APPS`` order."""
    modules = []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(name) is not None:
            module = import_module(name)
            if hasattr(module, "demo_seed"):
                modules.append(module)
    return modules


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    rng = random.Random(2024)
    edition = demo_edition()
    logins: list[DemoLogin] = []
    for module in demo_modules():
        logins += module.demo_seed(edition=edition, rng=rng) or []
    rank = {label: index for index, label in enumerate(LOGIN_ORDER)}
    return sorted(logins, key=lambda login: rank.get(login.role, len(rank)))
