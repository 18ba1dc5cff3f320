"""``seed_demo``: a realistic dataset at the 2024 convention's scale, safe to run twice.

Each app brings its own part (``buyers.demo``, ``companies.demo``, …); this module composes them
and creates one login per role.
"""

import datetime as dt
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from buyers.demo import seed_buyers, seed_cpv
from buyers.models import BuyerMembership, BuyerOrganisation
from companies.models import CompanyMembership
from ellipse.accounts.models import User
from ellipse.accounts.roles import Role, user_grant_role
from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition

DEMO_PASSWORD = "ellipse-demo-2024"  # noqa: S105 — published demo credentials


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    lands_on: str


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


def _user(email: str, first: str, last: str, role: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user_grant_role(user=user, role=role)
    return user


def _buyer_contacts() -> None:
    """One contact per other buyer organisation (no password: they would be invited), so that
    invitations reach every buyer of the demo."""
    from django.utils.text import slugify

    for organisation in BuyerOrganisation.objects.filter(memberships__isnull=True):
        email = f"contact-{slugify(organisation.short_name or organisation.name)}@acheteurs.demo"
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": "Contact", "last_name": organisation.short_name}
        )
        if created:
            user.set_unusable_password()
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user_grant_role(user=user, role=Role.BUYER)
        BuyerMembership.objects.get_or_create(user=user, defaults={"organisation": organisation})


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    rng = random.Random(2024)
    edition = demo_edition()
    seed_cpv()
    seed_buyers(edition=edition, rng=rng)
    from companies.demo import seed_companies

    registrations = seed_companies(edition=edition, rng=rng)

    _user("equipe@ellipse.demo", "Camille", "Martin", Role.STAFF)
    _user("elu@ellipse.demo", "Dominique", "Bernard", Role.OFFICIAL)
    buyer = _user("acheteur@ellipse.demo", "Samia", "Haddad", Role.BUYER)
    BuyerMembership.objects.get_or_create(
        user=buyer, defaults={"organisation": BuyerOrganisation.objects.get(name="Est Ensemble")}
    )
    _buyer_contacts()
    company_user = _user("entreprise@ellipse.demo", "Karim", "Benali", Role.COMPANY)
    first_retained = next(r for r in registrations if r.status == "retained")
    CompanyMembership.objects.get_or_create(
        user=company_user, defaults={"company": first_retained.company}
    )
    from meetings.demo import seed_meetings

    seed_meetings(edition=edition)
    from spaser.sourcing.demo import seed_sourcing

    seed_sourcing(rng=rng)

    from trainings.demo import seed_trainings

    seed_trainings(edition=edition, rng=rng, company=first_retained.company)
    return [
        DemoLogin(Role.STAFF.label, "equipe@ellipse.demo", DEMO_PASSWORD, "/admin/"),
        DemoLogin(Role.BUYER.label, "acheteur@ellipse.demo", DEMO_PASSWORD, "/acheteurs/espace/"),
        DemoLogin(
            Role.COMPANY.label, "entreprise@ellipse.demo", DEMO_PASSWORD, "/entreprises/espace/"
        ),
        DemoLogin(Role.OFFICIAL.label, "elu@ellipse.demo", DEMO_PASSWORD, "/spaser/"),
    ]
