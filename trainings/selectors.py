"""Reads of the trainings app: the catalogue, a company's or buyer's sessions, the companies to
invite, the figures, and what other apps use (``company_trainings``, ``people_trained_per_year``,
``company_workshops``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from companies.models import CallLog, Company, Registration, Topic
from ellipse.core.stamps import stamp

from .enums import ACTIVE, Attendance, ParticipantKind, ParticipantStatus
from .models import Participant, PastAttendance, Session, SessionInvitation


@dataclass(frozen=True)
class TrainingSummary:
    title: str
    topic: str
    date: dt.date


@dataclass(frozen=True)
class WorkshopSummary:
    session_id: int
    title: str
    topic: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    people: tuple[str, ...]


def catalogue(
    *, topic_id: int | None = None, audience: str = "", now: dt.datetime | None = None
) -> QuerySet[Session]:
    """Sessions not over yet, soonest first, with seats taken and waiting list counted."""
    sessions = Session.objects.upcoming(now).select_related("topic", "edition").with_counts()
    if topic_id:
        sessions = sessions.filter(topic_id=topic_id)
    if audience:
        sessions = sessions.filter(Q(audience=audience) | Q(audience="both"))
    return sessions.order_by("starts_at", "pk")


# The stamp of the public catalogue (ellipse.core.stamps): sessions, their seats (every
# registration, cancellation, offer), topics and editions' titles. TrainingsConfig.ready watches
# their saves and deletes; a bulk write of participants bumps it itself (trainings.demo).
CATALOGUE_STAMP = "trainings.catalogue"


def catalogue_version(*, now: dt.datetime | None = None) -> str:
    """What the catalogue's cached fragments depend on: the stamp, and the moment the list
    changes by itself (the earliest end of a session to come: past it, that session leaves the
    list). That moment is kept in the cache under the stamp and looked up again once past:
    one query per change, none otherwise."""
    now = now or timezone.now()
    current = stamp(CATALOGUE_STAMP)
    key = f"trainings.catalogue.next_end:{current}"
    next_end = cache.get(key)  # a timestamp, or -1: no session to come
    if next_end is None or 0 <= next_end < now.timestamp():
        first = Session.objects.upcoming(now).aggregate(first=Min("ends_at"))["first"]
        next_end = first.timestamp() if first is not None else -1
        cache.set(key, next_end, 24 * 3600)
    return f"{current}:{next_end}"


def topics_offered() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True)


def session_detail(*, session_id: int) -> Session:
    return Session.objects.select_related("topic", "edition").with_counts().get(pk=session_id)


def upcoming_participants_of(
    *,
    company_id: int | None = None,
    buyer_organisation_id: int | None = None,
    registered_by_id: int | None = None,
    limit: int = 10,
) -> list[Participant]:
    """An organisation's (or an official's) registrations to sessions not over yet, for its
    space: kept in the cache per owner under ``catalogue_version`` (every participant or
    session write, and the next end of a session), so a warm space runs no query for them."""
    owner = {
        "company_id": company_id,
        "buyer_organisation_id": buyer_organisation_id,
        "registered_by_id": registered_by_id,
    }
    owner_key = ":".join(f"{k}={v}" for k, v in owner.items() if v)
    key = f"trainings.upcoming:{catalogue_version()}:{owner_key}:{limit}"
    found = cache.get(key)
    if found is None:
        found = list(participants_of(**owner).filter(session__ends_at__gte=timezone.now())[:limit])
        cache.set(key, found, 600)
    return found


def participants_of(
    *,
    company_id: int | None = None,
    buyer_organisation_id: int | None = None,
    registered_by_id: int | None = None,
):
    """Registrations of one organisation (its space), or of one elected official (by whom
    registered), most recent sessions first."""
    participants = Participant.objects.select_related("session__topic").exclude(
        status=ParticipantStatus.CANCELLED
    )
    if company_id:
        participants = participants.filter(company_id=company_id)
    elif buyer_organisation_id:
        participants = participants.filter(buyer_organisation_id=buyer_organisation_id)
    elif registered_by_id:
        participants = participants.filter(
            registered_by_id=registered_by_id, company=None, buyer_organisation=None
        )
    else:
        return participants.none()
    return participants.order_by("-session__starts_at", "name")


def session_participants(*, session_id: int) -> QuerySet[Participant]:
    """Seated people first (by seat), then the waiting list in order."""
    return (
        Participant.objects.filter(session_id=session_id, status__in=ACTIVE)
        .select_related("company", "buyer_organisation")
        .order_by("seat_number", "waiting_since", "pk")
    )


def _needs_q(topic: Topic, prefix: str, fields: list[str]) -> Q:
    q = Q()
    for term in topic.terms:
        for field in fields:
            q |= Q(**{f"{prefix}{field}__icontains": term})
    return q


def targeted_companies(*, session: Session) -> QuerySet[Company]:
    """Companies whose needs (registration text and topics, a qualification call's topics or
    notes) name the session's topic and who have not followed it (nor are registered to a
    session of it)."""
    topic = session.topic
    needs = Registration.objects.filter(company=OuterRef("pk")).filter(
        Q(training_topics=topic) | _needs_q(topic, "", ["training_needs", "needs", "workshops"])
    )
    notes = CallLog.objects.filter(registration__company=OuterRef("pk")).filter(
        Q(topics=topic) | _needs_q(topic, "", ["notes"])
    )
    followed = Participant.objects.filter(company=OuterRef("pk"), session__topic=topic).filter(
        Q(status__in=ACTIVE) | Q(attendance=Attendance.PRESENT)
    )
    return (
        Company.objects.filter(Q(Exists(needs)) | Q(Exists(notes)))
        .exclude(Exists(followed))
        .order_by("legal_name")
    )


def invitation_recipients(
    *, session: Session, company_ids: list[int] | None = None
) -> list[tuple[int, str, str]]:
    """(company id, e-mail, contact name) not invited to this session yet."""
    companies = targeted_companies(session=session)
    if company_ids is not None:
        companies = companies.filter(pk__in=company_ids)
    invited = {
        e.lower()
        for e in SessionInvitation.objects.filter(session=session).values_list("email", flat=True)
    }
    recipients = []
    for company in companies.only("pk", "contact_email", "contact_name"):
        email = company.contact_email.strip().lower()
        if email and email not in invited:
            invited.add(email)
            recipients.append((company.pk, email, company.contact_name))
    return recipients


def session_figures(*, session: Session) -> dict:
    """Registered, present, fill rate, waiting list, satisfaction of one session."""
    rows = Participant.objects.filter(session=session).aggregate(
        registered=Count("pk", filter=Q(status=ParticipantStatus.CONFIRMED)),
        offered=Count("pk", filter=Q(status=ParticipantStatus.OFFERED)),
        waiting=Count("pk", filter=Q(status=ParticipantStatus.WAITING)),
        present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
        answers=Count("survey_answer"),
        satisfaction=Avg("survey_answer__rating"),
    )
    rows["fill_rate"] = round(100 * rows["registered"] / session.capacity)
    return rows


def figures_per_year() -> list[dict]:
    """Per year: sessions, seats, registered, present, fill rate, waiting, satisfaction."""
    sessions = (
        Session.objects.annotate(year=ExtractYear("starts_at"))
        .values("year")
        .annotate(sessions=Count("pk", distinct=True))
        .order_by("year")
    )
    capacity = defaultdict(int)
    for row in Session.objects.annotate(year=ExtractYear("starts_at")).values("year", "capacity"):
        capacity[row["year"]] += row["capacity"]
    people = {
        row["year"]: row
        for row in Participant.objects.annotate(year=ExtractYear("session__starts_at"))
        .values("year")
        .annotate(
            registered=Count("pk", filter=Q(status=ParticipantStatus.CONFIRMED)),
            waiting=Count("pk", filter=Q(status=ParticipantStatus.WAITING)),
            present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            satisfaction=Avg("survey_answer__rating"),
        )
    }
    result = []
    for row in sessions:
        year = row["year"]
        p = people.get(year, {})
        registered = p.get("registered", 0)
        result.append(
            {
                "year": year,
                "sessions": row["sessions"],
                "capacity": capacity[year],
                "registered": registered,
                "present": p.get("present", 0),
                "waiting": p.get("waiting", 0),
                "fill_rate": round(100 * registered / capacity[year]) if capacity[year] else 0,
                "satisfaction": p.get("satisfaction"),
            }
        )
    return result


def companies_trained_since(*, year: int = 2020) -> int:
    """Distinct companies present at a session since ``year`` (sessions here and imported
    lists of earlier years; a company is counted by SIRET, else by name)."""
    keys = set(
        Participant.objects.filter(
            attendance=Attendance.PRESENT,
            company__isnull=False,
            session__starts_at__year__gte=year,
        ).values_list("company__siret", flat=True)
    )
    for siret, name in PastAttendance.objects.filter(year__gte=year).values_list(
        "siret", "company_name"
    ):
        keys.add(siret or name.strip().lower())
    return len(keys)


def company_trainings(*, company_ids: list[int]) -> dict[int, list[TrainingSummary]]:
    """Sessions each company attended (present), oldest first, imported years included."""
    result: dict[int, list[TrainingSummary]] = {pk: [] for pk in company_ids}
    participants = (
        Participant.objects.filter(company_id__in=company_ids, attendance=Attendance.PRESENT)
        .select_related("session__topic")
        .order_by("session__starts_at")
    )
    seen = set()
    for p in participants:
        key = (p.company_id, p.session_id)
        if key not in seen:
            seen.add(key)
            result[p.company_id].append(
                TrainingSummary(
                    title=p.session.title,
                    topic=p.session.topic.name,
                    date=timezone.localdate(p.session.starts_at),
                )
            )
    for past in PastAttendance.objects.filter(company_id__in=company_ids).order_by("year"):
        result[past.company_id].append(
            TrainingSummary(
                title=past.topic_label,
                topic=past.topic_label,
                date=past.session_date or dt.date(past.year, 1, 1),
            )
        )
    for summaries in result.values():
        summaries.sort(key=lambda s: s.date)
    return result


def people_trained_per_year(*, audience: str) -> dict[int, int]:
    """People present at a session per year: ``audience`` "agents" or "officials"."""
    kind = {"agents": ParticipantKind.AGENT, "officials": ParticipantKind.OFFICIAL}[audience]
    rows = (
        Participant.objects.filter(kind=kind, attendance=Attendance.PRESENT)
        .annotate(year=ExtractYear("session__starts_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    return {row["year"]: row["n"] for row in rows}


def company_workshops(*, edition, company_ids: list[int]) -> dict[int, list[WorkshopSummary]]:
    """The edition's afternoon workshops each company holds a seat at (for its agenda)."""
    result: dict[int, list[WorkshopSummary]] = {pk: [] for pk in company_ids}
    participants = (
        Participant.objects.filter(
            company_id__in=company_ids,
            session__edition=edition,
            status=ParticipantStatus.CONFIRMED,
        )
        .select_related("session__topic")
        .order_by("session__starts_at", "name")
    )
    grouped: dict[tuple[int, int], list[Participant]] = defaultdict(list)
    for p in participants:
        grouped[(p.company_id, p.session_id)].append(p)
    for (company_id, _session_id), people in grouped.items():
        session = people[0].session
        result[company_id].append(
            WorkshopSummary(
                session_id=session.pk,
                title=session.title,
                topic=session.topic.name,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                place=session.where,
                people=tuple(p.name for p in people),
            )
        )
    return result


@dataclass(frozen=True)
class PairingSummary:
    partner_id: int
    partner: str
    partner_contact: str
    table: str
    reasons: tuple[str, ...]


def company_pairings(*, edition, company_ids: list[int]) -> dict[int, list[PairingSummary]]:
    """Published co-contracting pairings of each company: with whom, at which table, why."""
    from .enums import PairingStatus
    from .models import Pairing

    result: dict[int, list[PairingSummary]] = {pk: [] for pk in company_ids}
    pairings = (
        Pairing.objects.filter(edition=edition, status=PairingStatus.PUBLISHED)
        .filter(Q(company_a_id__in=company_ids) | Q(company_b_id__in=company_ids))
        .select_related("company_a", "company_b")
        .order_by("table", "pk")
    )
    for pairing in pairings:
        for own, partner in (
            (pairing.company_a, pairing.company_b),
            (pairing.company_b, pairing.company_a),
        ):
            if own.pk in result:
                result[own.pk].append(
                    PairingSummary(
                        partner_id=partner.pk,
                        partner=partner.trade_name or partner.legal_name,
                        partner_contact=f"{partner.contact_name} — {partner.contact_email}",
                        table=pairing.table,
                        reasons=tuple(pairing.reasons),
                    )
                )
    return result


PAIRINGS_STAMP = "trainings.pairings"  # pairings, their companies and editions (trainings.apps)


def space_block_version() -> str:
    """What ``{% trainings_of_user %}`` shows depends on beyond the user's organisation: the
    catalogue's version (its participants, and the next end of a session) and the pairings'
    stamp with the day, under which its two reads are cached (a page caching the block keys on
    it too)."""
    return f"{catalogue_version()}:{_pairings_version()}"


def _pairings_version() -> str:
    return f"{timezone.localdate()}:{stamp(PAIRINGS_STAMP)}"


def company_pairings_all_editions(*, company_id: int) -> list[tuple[object, PairingSummary]]:
    """Published pairings of a company in editions not past yet (its space), in one query,
    kept in the cache per company until a pairing, a company or an edition changes (or the day
    does: past editions leave)."""
    key = f"trainings.pairings:{company_id}:{_pairings_version()}"
    found = cache.get(key)
    if found is None:
        found = _company_pairings_all_editions(company_id=company_id)
        cache.set(key, found, 3600)
    return found


def _company_pairings_all_editions(*, company_id: int) -> list[tuple[object, PairingSummary]]:
    from .enums import PairingStatus
    from .models import Pairing

    pairings = (
        Pairing.objects.filter(
            Q(company_a_id=company_id) | Q(company_b_id=company_id),
            status=PairingStatus.PUBLISHED,
            edition__date__gte=timezone.localdate(),
        )
        .select_related("edition", "company_a", "company_b")
        .order_by("edition__date", "table", "pk")
    )
    rows = []
    for pairing in pairings:
        partner = pairing.company_b if pairing.company_a_id == company_id else pairing.company_a
        rows.append(
            (
                pairing.edition,
                PairingSummary(
                    partner_id=partner.pk,
                    partner=partner.trade_name or partner.legal_name,
                    partner_contact=f"{partner.contact_name} — {partner.contact_email}",
                    table=pairing.table,
                    reasons=tuple(pairing.reasons),
                ),
            )
        )
    return rows
