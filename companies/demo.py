"""Demo data of companies/: 203 registered companies, 142 of them retained."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from buyers.demo import ACTIVITIES, make_siret
from buyers.models import BuyerOrganisation, CpvCode, PlannedContract
from ellipse.core.territory import COMMUNES, is_in_territory
from ellipse.editions.models import Edition

from .enums import (
    CallOutcome,
    DocumentsReadiness,
    EssStatus,
    HeadcountBand,
    InterestLevel,
    RegistrationStatus,
    SiaeType,
    SizeClass,
    TenderCapacity,
    TurnoverBand,
)
from .models import CallLog, Company, Registration, StatusChange, Wish

OUTSIDE = [
    ("Paris", "75020"),
    ("Saint-Denis", "93200"),
    ("Aubervilliers", "93300"),
    ("Rosny-sous-Bois", "93110"),
    ("Vincennes", "94300"),
    ("Villemomble", "93250"),
]
LEGAL_FORMS = ["SARL", "SAS", "SASU", "EURL", "EI", "Association loi 1901", "SCOP SARL", "SCIC SAS"]
NOT_RETAINED_REASONS = [
    "Activité sans lien avec les marchés prévus cette année.",
    "Entreprise injoignable malgré trois appels.",
    "Capacité insuffisante pour les volumes prévus ; orientée vers la formation.",
]
# 203 registered: 142 retained, then the rest of the pipeline.
STATUS_PLAN = (
    [RegistrationStatus.RETAINED] * 142
    + [RegistrationStatus.WAITING_LIST] * 18
    + [RegistrationStatus.NOT_RETAINED] * 24
    + [RegistrationStatus.QUALIFIED] * 9
    + [RegistrationStatus.TO_CALL] * 6
    + [RegistrationStatus.REGISTERED] * 4
)
DEMO_COMPANY_COUNT = len(STATUS_PLAN)


def _ess(rng: random.Random) -> tuple[str, str, str]:
    """(ESS status, SIAE type, legal form) for one company, ~30 % in the ESS."""
    draw = rng.random()
    if draw < 0.12:
        return (
            EssStatus.SIAE,
            rng.choice(list(SiaeType)),
            rng.choice(["SAS", "Association loi 1901"]),
        )
    if draw < 0.16:
        return EssStatus.EA, "", "SAS"
    if draw < 0.19:
        return EssStatus.ESAT, "", "Association loi 1901"
    if draw < 0.24:
        return EssStatus.ASSOCIATION, "", "Association loi 1901"
    if draw < 0.28:
        return rng.choice([EssStatus.SCOP, EssStatus.SCIC]), "", "SCOP SARL"
    if draw < 0.30:
        return EssStatus.ESUS, "", "SAS"
    return EssStatus.NONE, "", rng.choice(LEGAL_FORMS[:5])


@transaction.atomic
def seed_companies(*, edition: Edition, rng: random.Random) -> list[Registration]:
    fake = Faker("fr_FR")
    fake.seed_instance(2024)
    cpv = {c.code: c for c in CpvCode.objects.all()}
    contracts_by_code: dict[str, list[PlannedContract]] = {}
    for contract in PlannedContract.objects.filter(year=edition.year).select_related(
        "organisation"
    ):
        contracts_by_code.setdefault(contract.cpv_main_id, []).append(contract)
    buyers = list(BuyerOrganisation.objects.all())
    registrations = []
    for index, status in enumerate(STATUS_PLAN):
        activity = ACTIVITIES[index % len(ACTIVITIES)]
        _key, _title, code, _amounts, word, keywords = activity
        second = rng.choice(ACTIVITIES)
        last_name = fake.last_name()
        ess, siae, legal_form = _ess(rng)
        size = rng.choices(
            [SizeClass.MICRO, SizeClass.ARTISAN, SizeClass.PME, SizeClass.ETI],
            weights=[45, 20, 32, 3],
        )[0]
        if rng.random() < 0.7:
            commune = rng.choice(COMMUNES)
            city, postal = commune.name, commune.postal_code
        else:
            city, postal = rng.choice(OUTSIDE)
        company, created = Company.objects.get_or_create(
            siret=make_siret(random.Random(f"company-{index}")),
            defaults={
                "legal_name": f"{word} {last_name}",
                "trade_name": "",
                "legal_form": legal_form,
                "creation_year": rng.randint(1985, 2023),
                "headcount_band": {
                    SizeClass.MICRO: HeadcountBand.B1_9,
                    SizeClass.ARTISAN: HeadcountBand.NONE,
                    SizeClass.PME: HeadcountBand.B10_49,
                    SizeClass.ETI: HeadcountBand.B250_PLUS,
                }[size],
                "turnover_band": {
                    SizeClass.MICRO: TurnoverBand.T100K_500K,
                    SizeClass.ARTISAN: TurnoverBand.LT_100K,
                    SizeClass.PME: TurnoverBand.T2M_10M,
                    SizeClass.ETI: TurnoverBand.GT_50M,
                }[size],
                "size_class": size,
                "ess_status": ess,
                "siae_type": siae,
                "address": fake.street_address(),
                "postal_code": postal,
                "commune": city,
                "is_local": is_in_territory(name=city),
                "work_area": rng.choice(["Est Ensemble", "Seine-Saint-Denis", "Île-de-France"]),
                "description": f"{word} : {keywords}. Intervention rapide sur le territoire.",
                "naf_code": "",
                "keywords": keywords,
                "references": "Chantiers pour des bailleurs sociaux et des copropriétés.",
                "contact_name": fake.name(),
                "contact_role": "Gérant·e",
                "contact_email": f"contact{index + 1}@entreprise-demo.fr",
                "contact_phone": f"+3361{rng.randint(1000000, 9999999)}",
            },
        )
        if created:
            company.cpv_codes.add(cpv[code], cpv[second[2]])
        reason = (
            rng.choice(NOT_RETAINED_REASONS) if status == RegistrationStatus.NOT_RETAINED else ""
        )
        registration, reg_created = Registration.objects.get_or_create(
            edition=edition,
            company=company,
            defaults={
                "status": status,
                "status_reason": reason,
                "consent_at": timezone.now(),
                "wants_cocontracting": rng.random() < 0.3,
                "wants_subcontracting": rng.random() < 0.4,
                "available_slots": []
                if rng.random() < 0.75
                else sorted(rng.sample(range(edition.slot_count), rng.randint(3, 6))),
            },
        )
        registrations.append(registration)
        if reg_created:
            for contract in rng.sample(
                contracts_by_code.get(code, []), min(2, len(contracts_by_code.get(code, [])))
            ):
                Wish.objects.get_or_create(
                    registration=registration,
                    organisation=contract.organisation,
                    planned_contract=contract,
                )
            if rng.random() < 0.3 and buyers:
                Wish.objects.get_or_create(
                    registration=registration,
                    organisation=rng.choice(buyers),
                    planned_contract=None,
                )
    seed_selection(edition=edition, registrations=registrations)
    return registrations


QUALIFIER_EMAIL = "qualification@ellipse.demo"
CALL_NOTES = {
    CallOutcome.REACHED: [
        "Entretien avec la gérante : activité confirmée, intéressée par les lots de travaux.",
        "Échange de 15 minutes, références publiques à Montreuil et Pantin.",
        "Joint le dirigeant : souhaite rencontrer les bailleurs sociaux.",
    ],
    CallOutcome.NO_ANSWER: ["Messagerie, message laissé.", "Pas de réponse."],
    CallOutcome.WRONG_NUMBER: ["Numéro non attribué ; e-mail envoyé pour le corriger."],
    CallOutcome.CALL_BACK: ["Demande à être rappelée en fin de journée."],
}
NEEDS = [
    "Aide à la rédaction du mémoire technique.",
    "Comprendre la dématérialisation des offres.",
    "Trouver des partenaires pour répondre en groupement.",
    "",
]


def _qualifier():
    """The staff member who made the demo calls (a second staff login of the demo)."""
    from ellipse.accounts.demo import DEMO_PASSWORD
    from ellipse.accounts.models import User
    from ellipse.accounts.roles import Role, user_grant_role

    user, created = User.objects.get_or_create(
        email=QUALIFIER_EMAIL, defaults={"first_name": "Nadia", "last_name": "Ouali"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user_grant_role(user=user, role=Role.STAFF)
    return user


def seed_selection(*, edition: Edition, registrations: list[Registration]) -> None:
    """Calls, qualification and status history coherent with each registration's status,
    for registrations that have none yet (safe to run twice); then the matching scores."""
    from .services.qualification import registrations_last_call_refresh
    from .services.selection import edition_refresh_matches

    by = _qualifier()
    done = set(
        StatusChange.objects.filter(registration__edition=edition).values_list(
            "registration_id", flat=True
        )
    ) | set(
        CallLog.objects.filter(registration__edition=edition).values_list(
            "registration_id", flat=True
        )
    )
    now = timezone.now()
    calls, changes, qualified = [], [], []
    R = RegistrationStatus
    for registration in registrations:
        if registration.pk in done or registration.status == R.REGISTERED:
            continue
        rng = random.Random(f"selection-{registration.company.siret}")
        day = now - timedelta(days=rng.randint(12, 30), hours=rng.randint(0, 6))

        def call(outcome, when, callback_at=None, reg=registration, rng=rng):
            calls.append(
                CallLog(
                    registration=reg,
                    called_at=when,
                    called_by=by,
                    outcome=outcome,
                    callback_at=callback_at,
                    notes=rng.choice(CALL_NOTES[outcome]),
                )
            )

        def change(from_status, to_status, when, reason="", reg=registration):
            changes.append(
                StatusChange(
                    registration=reg,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    changed_by=by,
                    changed_at=when,
                )
            )

        change(R.REGISTERED, R.TO_CALL, day)
        if registration.status == R.TO_CALL:
            if rng.random() < 0.5:
                # Callbacks: some due already, some later this week (the queue shows both).
                call(
                    CallOutcome.CALL_BACK,
                    day + timedelta(hours=1),
                    callback_at=now + timedelta(hours=rng.choice([-3, -1, 20, 50])),
                )
            else:
                call(CallOutcome.NO_ANSWER, day + timedelta(hours=1))
            continue
        unreachable = (
            registration.status == R.NOT_RETAINED and "injoignable" in registration.status_reason
        )
        if unreachable:
            for attempt in range(3):
                call(CallOutcome.NO_ANSWER, day + timedelta(days=attempt * 2, hours=1))
            change(R.TO_CALL, R.NOT_RETAINED, day + timedelta(days=6), registration.status_reason)
            continue
        if rng.random() < 0.3:
            call(CallOutcome.NO_ANSWER, day + timedelta(hours=1))
        call(CallOutcome.REACHED, day + timedelta(days=1))
        change(R.TO_CALL, R.QUALIFIED, day + timedelta(days=1, minutes=20))
        registration.tender_capacity = rng.choices(list(TenderCapacity.values), weights=[5, 4, 1])[
            0
        ]
        registration.real_interest = rng.choices(list(InterestLevel.values), weights=[6, 3, 1])[0]
        registration.documents_ready = rng.choices(
            list(DocumentsReadiness.values), weights=[6, 3, 1]
        )[0]
        registration.needs = rng.choice(NEEDS)
        registration.qualified_by = by
        registration.qualified_at = day + timedelta(days=1, minutes=20)
        qualified.append(registration)
        if registration.status != R.QUALIFIED:
            change(
                R.QUALIFIED,
                registration.status,
                day + timedelta(days=8),
                registration.status_reason,
            )
    CallLog.objects.bulk_create(calls)
    registrations_last_call_refresh(registration_ids={c.registration_id for c in calls})
    StatusChange.objects.bulk_create(changes)
    Registration.objects.bulk_update(
        qualified,
        [
            "tender_capacity",
            "real_interest",
            "documents_ready",
            "needs",
            "qualified_by",
            "qualified_at",
        ],
    )
    edition_refresh_matches(edition=edition)


def demo_seed(*, edition: Edition, rng: random.Random) -> list:
    """Part of ``seed_demo``: the companies, their registrations and the company login (a
    member of the first retained company)."""
    from ellipse.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_user
    from ellipse.accounts.roles import Role

    from .models import CompanyMembership

    registrations = seed_companies(edition=edition, rng=rng)
    user = demo_user(
        email="entreprise@ellipse.demo", first="Karim", last="Benali", role=Role.COMPANY
    )
    first_retained = next(r for r in registrations if r.status == RegistrationStatus.RETAINED)
    CompanyMembership.objects.get_or_create(user=user, defaults={"company": first_retained.company})
    return [
        DemoLogin(
            Role.COMPANY.label, "entreprise@ellipse.demo", DEMO_PASSWORD, "/entreprises/espace/"
        )
    ]
