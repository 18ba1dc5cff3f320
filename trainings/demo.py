"""Demo trainings: a year of sessions (past ones with attendance and survey answers, upcoming
ones, one full with a waiting list), the edition's afternoon workshops, earlier years' lists.
Safe to run twice (everything keyed by title and date)."""

import datetime as dt
import random

from django.db.models import Max
from django.utils import timezone

from companies.models import Company, Topic
from ellipse.core.stamps import stamp_bump
from ellipse.editions.models import Edition

from .enums import Attendance, Audience, ParticipantKind, ParticipantStatus
from .models import Participant, PastAttendance, Session, SurveyAnswer
from .selectors import CATALOGUE_STAMP

PLACE = "Hôtel de territoire d'Est Ensemble, 100 avenue Gaston-Roussel, Romainville"
VISIO = "https://visio.est-ensemble.fr/formation-commande-publique"
SESSIONS = [
    # (topic, title, audience, days from today, online, capacity)
    (
        "Répondre à un appel d'offres",
        "Lire un dossier de consultation",
        Audience.COMPANIES,
        -120,
        False,
        15,
    ),
    (
        "Clauses sociales",
        "Clauses sociales : ce que l'acheteur attend",
        Audience.COMPANIES,
        -60,
        False,
        12,
    ),
    (
        "Signature électronique et plateformes des acheteurs",
        "Déposer une offre sur PLACE et Maximilien",
        Audience.COMPANIES,
        -30,
        True,
        20,
    ),
    (
        "Répondre en groupement",
        "Achats responsables : les clauses du SPASER",
        Audience.AGENTS,
        -45,
        False,
        20,
    ),
    (
        "Construire son prix",
        "Construire son prix et remplir un BPU",
        Audience.COMPANIES,
        12,
        False,
        12,
    ),
    (
        "Répondre à un appel d'offres",
        "Rédiger un mémoire technique convaincant",
        Audience.COMPANIES,
        20,
        False,
        4,
    ),
    (
        "Marchés de travaux",
        "Marchés de travaux : sous-traitance et paiement direct",
        Audience.BOTH,
        35,
        False,
        15,
    ),
    (
        "Signature électronique et plateformes des acheteurs",
        "Signature électronique pas à pas",
        Audience.COMPANIES,
        50,
        True,
        25,
    ),
    ("Clauses sociales", "Acheter responsable : former les élus", Audience.AGENTS, 65, False, 20),
]
WORKSHOPS = [
    ("Répondre en groupement", "Atelier : se grouper pour répondre", 14, 0),
    ("Clauses sociales", "Atelier : les clauses sociales en pratique", 15, 30),
]


# The topics the data migration creates (companies 0006): again here, because a test database
# flushed between tests has lost the migration's rows.
DEFAULT_TOPICS = [
    "Répondre à un appel d'offres",
    "Signature électronique et plateformes des acheteurs",
    "Clauses sociales",
    "Marchés de travaux",
    "Répondre en groupement",
    "Construire son prix",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed_trainings(*, edition: Edition, rng: random.Random, company: Company | None = None) -> None:
    """``company``: the demo login's company, registered to a coming session and a workshop."""
    for name in DEFAULT_TOPICS:
        Topic.objects.get_or_create(name=name)
    topics = {t.name: t for t in Topic.objects.all()}
    companies = list(Company.objects.exclude(pk=getattr(company, "pk", None)).order_by("pk")[:60])
    today = timezone.localdate()
    sessions = []
    for topic, title, audience, days, online, capacity in SESSIONS:
        day = today + dt.timedelta(days=days)
        session, _ = Session.objects.get_or_create(
            title=title,
            starts_at=_at(day, 9, 30),
            defaults={
                "topic": topics[topic],
                "audience": audience,
                "ends_at": _at(day, 12, 30),
                "place": "" if online else PLACE,
                "video_url": VISIO if online else "",
                "capacity": capacity,
                "trainer": "Direction de la commande publique d'Est Ensemble",
                "description": f"{title}. Session gratuite, animée par les juristes "
                "de la commande publique ; apportez vos questions et vos dossiers.",
            },
        )
        sessions.append(session)
    for topic, title, hour, minute in WORKSHOPS:
        session, _ = Session.objects.get_or_create(
            title=title,
            edition=edition,
            defaults={
                "topic": topics[topic],
                "audience": Audience.COMPANIES,
                "starts_at": _at(edition.date, hour, minute),
                "ends_at": _at(edition.date, hour + 1, minute + 15),
                "place": f"{edition.venue}, salle des ateliers",
                "capacity": 30,
            },
        )
        sessions.append(session)
    for session in sessions:
        if session.participants.exists():
            continue
        past = session.starts_at < timezone.now()
        is_agents = session.audience == Audience.AGENTS
        count = (
            session.capacity + 3
            if session.capacity <= 4
            else rng.randint(session.capacity // 2, session.capacity)
        )
        people = []
        for i in range(count):
            seated = i < session.capacity
            member = None if is_agents else companies[(session.pk * 7 + i) % len(companies)]
            kind = (
                (ParticipantKind.OFFICIAL if i % 5 == 0 else ParticipantKind.AGENT)
                if is_agents
                else ParticipantKind.COMPANY
            )
            attendance = ""
            if past and seated:
                attendance = rng.choice(
                    [Attendance.PRESENT] * 4 + [Attendance.ABSENT, Attendance.EXCUSED]
                )
            people.append(
                Participant(
                    session=session,
                    kind=kind,
                    company=member,
                    name=f"Participant·e {session.pk}-{i + 1}",
                    email=f"formation{session.pk}-{i + 1}@participants.demo",
                    status=ParticipantStatus.CONFIRMED if seated else ParticipantStatus.WAITING,
                    seat_number=i + 1 if seated else None,
                    waiting_since=None if seated else timezone.now() - dt.timedelta(days=3 - i % 3),
                    attendance=attendance,
                )
            )
        Participant.objects.bulk_create(people)
        stamp_bump(CATALOGUE_STAMP)  # bulk_create sends no signal: the seats moved
        for participant in session.participants.filter(attendance=Attendance.PRESENT)[:6]:
            SurveyAnswer.objects.get_or_create(
                participant=participant,
                defaults={"rating": rng.choice([3, 4, 4, 5, 5]), "useful": rng.random() > 0.2},
            )
    for year in range(2020, today.year):
        for i, attendee in enumerate(companies[:25]):
            PastAttendance.objects.get_or_create(
                year=year,
                session_date=dt.date(year, 3 + i % 8, 10),
                topic_label=sorted(topics)[(year + i) % len(topics)],
                company_name=attendee.legal_name,
                person_name=attendee.contact_name,
                defaults={"siret": attendee.siret, "company": attendee},
            )
    if company is not None:
        for session in (sessions[4], sessions[-2], sessions[0]):
            if session.participants.filter(company=company).exists():
                continue
            seat = (session.participants.aggregate(m=Max("seat_number"))["m"] or 0) + 1
            if seat > session.capacity:
                session.capacity = seat
                session.save(update_fields=["capacity"])
            Participant.objects.create(
                session=session,
                kind=ParticipantKind.COMPANY,
                company=company,
                name=company.contact_name,
                email=company.contact_email,
                status=ParticipantStatus.CONFIRMED,
                seat_number=seat,
                attendance=Attendance.PRESENT if session.starts_at < timezone.now() else "",
            )


def demo_seed(*, edition: Edition, rng: random.Random) -> None:
    """Part of ``seed_demo``: topics, sessions and the afternoon workshops; the demo company
    login is registered to a coming session and a workshop."""
    from companies.models import CompanyMembership

    membership = CompanyMembership.objects.filter(user__email="entreprise@ellipse.demo").first()
    seed_trainings(edition=edition, rng=rng, company=membership.company if membership else None)
