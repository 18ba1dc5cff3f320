"""What each agenda shows, as plain JSON-able dicts (PDF templates, e-mails, ICS and hashes).

Each builder works for a whole edition in a bounded number of queries (no query per meeting or
per participant); pass ``*_ids`` to restrict to a few owners. A context's hash decides whether a
stored document is still current.
"""

import datetime as dt
import hashlib
import json
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from buyers.models import BuyerParticipation, CpvCode
from companies.enums import EssStatus, RegistrationStatus
from companies.models import Company, Registration
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from meetings.reasons import contracts_of, meetings_reason_lines

from .typography import fr_amount, fr_date, fr_quarter, fr_time

# Bump when a template changes so that every stored document is generated again.
LAYOUT_VERSION = 2  # 2: the facts list laid out with floats
PROFILE_MAX_CHARS = 420


def context_hash(context: dict) -> str:
    payload = json.dumps({"v": LAYOUT_VERSION, "c": context}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def edition_info(edition) -> dict:
    slots = edition.slots
    return {
        "id": edition.pk,
        "year": edition.year,
        "title": edition.title,
        "date": edition.date.isoformat(),
        "date_label": fr_date(edition.date),
        "venue": edition.venue,
        "venue_address": edition.venue_address,
        "access_info": edition.access_info,
        "afternoon_programme": edition.afternoon_programme,
        "welcome_time": fr_time(edition.morning_start),
        "first_meeting_time": fr_time(slots[0].start) if slots else "",
        "morning_end_time": fr_time(slots[-1].end) if slots else "",
    }


def _slot_info(edition, slot: int) -> dict:
    grid = edition.slots
    if slot < len(grid):
        start, end = grid[slot].start, grid[slot].end
    else:  # a slot outside the current grid: keep the agenda readable rather than crash
        start = end = edition.morning_start
    return {
        "slot": slot,
        "start": fr_time(start),
        "end": fr_time(end),
        "start_iso": dt.datetime.combine(edition.date, start).isoformat(),
        "end_iso": dt.datetime.combine(edition.date, end).isoformat(),
    }


def _meetings(edition, **filters):
    return (
        Meeting.objects.filter(edition=edition, status=MeetingStatus.PUBLISHED, **filters)
        .select_related("buyer", "company")
        .order_by("slot", "pk")
    )


def _tables(edition) -> dict[int, str]:
    return dict(
        BuyerParticipation.objects.filter(edition=edition).values_list("organisation_id", "table")
    )


def _contracts(lines) -> list[dict]:
    """The planned contracts a meeting is about (once each), with live amounts and quarters."""
    return [
        {
            "id": row.id,
            "reference": row.reference,
            "title": row.title,
            "amount": fr_amount(row.amount),
            "quarter": int(row.quarter) if row.quarter else None,
            "quarter_label": fr_quarter(row.quarter, row.year),
        }
        for row in contracts_of(lines)
    ]


def company_agendas(*, edition, company_ids=None) -> dict[int, dict]:
    """Company id → agenda context, for companies with at least one published meeting."""
    filters = {"company_id__in": list(company_ids)} if company_ids is not None else {}
    meetings = list(_meetings(edition, **filters))
    tables = _tables(edition)
    lines = meetings_reason_lines(meetings, audience="company")
    companies = {m.company_id: m.company for m in meetings}
    workshops = dict(
        Registration.objects.filter(edition=edition, company_id__in=companies).values_list(
            "company_id", "workshops"
        )
    )
    info = edition_info(edition)
    afternoon = _afternoons(edition, list(companies))
    result: dict[int, dict] = {}
    for meeting in meetings:
        company = meeting.company
        agenda = result.setdefault(
            company.pk,
            {
                "kind": "company",
                "edition": info,
                "owner": {"id": company.pk, "name": str(company), "siret": company.siret},
                "workshops": workshops.get(company.pk, ""),
                **afternoon[company.pk],
                "meetings": [],
            },
        )
        agenda["meetings"].append(
            {
                "id": meeting.pk,
                **_slot_info(edition, meeting.slot),
                "with": meeting.buyer.name,
                "with_id": meeting.buyer_id,
                "table": tables.get(meeting.buyer_id, ""),
                "contracts": _contracts(lines[meeting.pk]),
                "reasons": [line.text for line in lines[meeting.pk]],
            }
        )
    return result


def _afternoons(edition, company_ids: list[int]) -> dict[int, dict]:
    """Company id → the afternoon workshops it holds seats at and its published co-contracting
    pairings (trainings module), JSON-ready for the PDF, the ICS and the e-mail."""
    from trainings.selectors import company_pairings, company_workshops

    workshops = company_workshops(edition=edition, company_ids=company_ids)
    pairings = company_pairings(edition=edition, company_ids=company_ids)
    local = timezone.localtime
    return {
        pk: {
            "sessions": [
                {
                    "id": w.session_id,
                    "title": w.title,
                    "topic": w.topic,
                    "place": w.place,
                    "people": list(w.people),
                    "start": fr_time(local(w.starts_at).time()),
                    "end": fr_time(local(w.ends_at).time()),
                    "start_iso": local(w.starts_at).replace(tzinfo=None).isoformat(),
                    "end_iso": local(w.ends_at).replace(tzinfo=None).isoformat(),
                }
                for w in workshops[pk]
            ],
            "pairings": [
                {"partner": p.partner, "table": p.table, "reasons": list(p.reasons)}
                for p in pairings[pk]
            ],
        }
        for pk in company_ids
    }


def _company_profile(company: Company) -> dict:
    categories = [f"{c.display_code} {c.label}" for c in company.cpv_codes.all()][:5]
    return {
        "id": company.pk,
        "name": str(company),
        "size_class": company.get_size_class_display(),
        "ess": company.get_ess_status_display() if company.ess_status != EssStatus.NONE else "",
        "commune": company.commune,
        "is_local": company.is_local,
        "categories": categories,
        "offer": _shorten(company.description),
        "references": _shorten(company.references),
        "contact": company.contact_name,
    }


def _shorten(text: str, limit: int = PROFILE_MAX_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def buyer_agendas(*, edition, buyer_ids=None) -> dict[int, dict]:
    """Buyer organisation id → agenda context (meetings with a profile of each company)."""
    filters = {"buyer_id__in": list(buyer_ids)} if buyer_ids is not None else {}
    meetings = list(
        _meetings(edition, **filters).prefetch_related(
            Prefetch("company__cpv_codes", queryset=CpvCode.objects.order_by("code"))
        )
    )
    tables = _tables(edition)
    lines = meetings_reason_lines(meetings, audience="buyer")
    info = edition_info(edition)
    result: dict[int, dict] = {}
    for meeting in meetings:
        buyer = meeting.buyer
        agenda = result.setdefault(
            buyer.pk,
            {
                "kind": "buyer",
                "edition": info,
                "owner": {"id": buyer.pk, "name": buyer.name, "table": tables.get(buyer.pk, "")},
                "meetings": [],
            },
        )
        agenda["meetings"].append(
            {
                "id": meeting.pk,
                **_slot_info(edition, meeting.slot),
                "with": str(meeting.company),
                "with_id": meeting.company_id,
                "table": tables.get(buyer.pk, ""),
                "profile": _company_profile(meeting.company),
                "contracts": _contracts(lines[meeting.pk]),
                "reasons": [line.text for line in lines[meeting.pk]],
            }
        )
    return result


def booklet_context(*, edition) -> dict:
    """The staff booklet: every buyer's table in order, then an index of companies."""
    buyers = buyer_agendas(edition=edition)
    ordered = sorted(
        buyers.values(), key=lambda a: (a["owner"]["table"] or "~", a["owner"]["name"])
    )
    index: dict[int, dict] = defaultdict(lambda: {"name": "", "meetings": []})
    for agenda in ordered:
        for meeting in agenda["meetings"]:
            entry = index[meeting["with_id"]]
            entry["name"] = meeting["with"]
            entry["meetings"].append(
                {
                    "start": meeting["start"],
                    "with": agenda["owner"]["name"],
                    "table": agenda["owner"]["table"],
                }
            )
    retained = Registration.objects.filter(
        edition=edition, status=RegistrationStatus.RETAINED
    ).count()
    return {
        "kind": "booklet",
        "edition": edition_info(edition),
        "buyers": ordered,
        "index": sorted(index.values(), key=lambda e: e["name"].casefold()),
        "counts": {
            "buyers": len(ordered),
            "companies": len(index),
            "meetings": sum(len(a["meetings"]) for a in ordered),
            "retained": retained,
        },
    }
