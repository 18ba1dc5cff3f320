import random

import factory

from buyers.cpv import cpv_level
from buyers.demo import make_siret
from buyers.enums import ContractStatus, OrganisationKind, Visibility
from buyers.models import (
    BuyerMembership,
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
)

from .accounts import UserFactory
from .editions import EditionFactory


class CpvCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CpvCode
        django_get_or_create = ("code",)

    code = "45000000"
    check_digit = "7"
    label = factory.LazyAttribute(lambda o: f"Libellé {o.code}")
    level = factory.LazyAttribute(lambda o: cpv_level(o.code))
    division = factory.LazyAttribute(lambda o: o.code[:2])


class BuyerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerOrganisation

    name = factory.Sequence(lambda n: f"Ville de Test {n}")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    kind = OrganisationKind.COMMUNE
    siret = factory.Sequence(lambda n: make_siret(random.Random(f"buyer-{n}")))
    city = "Montreuil"


class BuyerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerMembership

    user = factory.SubFactory(UserFactory, role="buyer")
    organisation = factory.SubFactory(BuyerOrganisationFactory)


class PlannedContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedContract

    organisation = factory.SubFactory(BuyerOrganisationFactory)
    year = 2030
    reference = factory.Sequence(lambda n: f"REF-{n:04d}")
    title = factory.Faker("sentence", nb_words=5, locale="fr_FR")
    cpv_main = factory.SubFactory(CpvCodeFactory)
    estimated_amount = 50000
    publication_quarter = 2
    visibility = Visibility.PUBLISHED
    status = ContractStatus.PUBLISHED


class BuyerParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerParticipation

    edition = factory.SubFactory(EditionFactory)
    organisation = factory.SubFactory(BuyerOrganisationFactory)
    max_meetings = 9
    table = factory.Sequence(lambda n: f"Table {n}")
