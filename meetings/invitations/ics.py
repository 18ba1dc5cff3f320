"""An iCalendar file with one event per meeting, built from an agenda context."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def agenda_ics(agenda: dict) -> bytes:
    from icalendar import Calendar, Event

    tz = ZoneInfo(settings.TIME_ZONE)
    edition = agenda["edition"]
    calendar = Calendar()
    calendar.add("prodid", "-//Est Ensemble//Ellipse//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{edition['title']} — {agenda['owner']['name']}")
    location = ", ".join(p for p in (edition["venue"], edition["venue_address"]) if p)
    stamp = timezone.now().replace(microsecond=0)
    for meeting in agenda["meetings"]:
        event = Event()
        event.add("uid", f"ellipse-meeting-{meeting['id']}-{agenda['kind']}@est-ensemble.fr")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.fromisoformat(meeting["start_iso"]).replace(tzinfo=tz))
        event.add("dtend", dt.datetime.fromisoformat(meeting["end_iso"]).replace(tzinfo=tz))
        table = f" — {meeting['table']}" if meeting.get("table") else ""
        event.add("summary", f"Rendez-vous : {meeting['with']}{table}")
        event.add("location", location)
        lines = [f"{edition['title']}, {meeting['start']} – {meeting['end']}."]
        lines += [
            f"{c['reference']} {c['title']} {c['amount']}".strip() for c in meeting["contracts"]
        ]
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    for session in agenda.get("sessions", []):
        event = Event()
        event.add("uid", f"ellipse-session-{session['id']}-{agenda['owner']['id']}@est-ensemble.fr")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.fromisoformat(session["start_iso"]).replace(tzinfo=tz))
        event.add("dtend", dt.datetime.fromisoformat(session["end_iso"]).replace(tzinfo=tz))
        event.add("summary", f"Atelier : {session['title']}")
        event.add("location", session["place"] or location)
        event.add("description", ", ".join(session["people"]))
        calendar.add_component(event)
    day = dt.date.fromisoformat(edition["date"])
    calendar.add_missing_timezones(
        first_date=day - dt.timedelta(days=366), last_date=day + dt.timedelta(days=366)
    )
    return calendar.to_ical()
