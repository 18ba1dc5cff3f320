import datetime as dt

import factory
from django.utils import timezone

from ellipse.editions.enums import EditionStatus
from ellipse.editions.models import Edition


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose registrations are open (deadline 30 days ahead)."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Portes ouvertes de la commande publique {o.year}")
    date = factory.LazyAttribute(lambda o: dt.date(o.year, 4, 10))
    venue = "Hôtel de territoire, Romainville"
    registration_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    status = EditionStatus.REGISTRATION_OPEN

    class Params:
        closed = factory.Trait(
            registration_deadline=factory.LazyFunction(
                lambda: timezone.now() - dt.timedelta(days=1)
            ),
            status=EditionStatus.REGISTRATION_CLOSED,
        )
