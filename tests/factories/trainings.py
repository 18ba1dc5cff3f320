import datetime as dt

import factory
from django.utils import timezone

from companies.models import Topic
from trainings.enums import Audience, ParticipantKind, ParticipantStatus
from trainings.models import Participant, Session

from .companies import CompanyFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thème de test {n}")
    keywords = ""


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    topic = factory.SubFactory(TopicFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    audience = Audience.COMPANIES
    trainer = "Maître Dupont"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    place = "Hôtel de territoire, 100 avenue Gaston Roussel, Romainville"
    capacity = 10
    people_per_company = 2

    class Params:
        online = factory.Trait(place="", video_url="https://visio.est-ensemble.fr/salle-1")
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
        )


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A company participant holding seat ``seat_number`` (give a distinct one per session)."""

    class Meta:
        model = Participant

    session = factory.SubFactory(SessionFactory)
    kind = ParticipantKind.COMPANY
    company = factory.SubFactory(CompanyFactory)
    name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"participant{n}@exemple.fr")
    status = ParticipantStatus.CONFIRMED
    seat_number = factory.Sequence(lambda n: n + 1)
