"""iCalendar (RFC 5545) of a training session, with the ``icalendar`` library."""

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Session


def session_ics(session: Session) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Est Ensemble//Ellipse formations//FR")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"trainings-session-{session.pk}@ellipse")
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", session.updated_at)
    event.add("location", session.place or session.video_url)
    description = "\n\n".join(filter(None, [session.topic.name, session.description]))
    event.add("description", description)
    event.add("url", settings.SITE_URL.rstrip("/") + reverse("trainings:detail", args=[session.pk]))
    calendar.add_component(event)
    return calendar.to_ical()
