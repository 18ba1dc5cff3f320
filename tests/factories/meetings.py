import factory

from meetings.models import Meeting

from .buyers import BuyerOrganisationFactory
from .companies import CompanyFactory
from .editions import EditionFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    edition = factory.SubFactory(EditionFactory)
    buyer = factory.SubFactory(BuyerOrganisationFactory)
    company = factory.SubFactory(CompanyFactory)
    slot = 0
    score = 0.5
