import datetime as dt
import random

import factory
from django.utils import timezone

from buyers.demo import make_siret
from companies.enums import CallOutcome, EssStatus, RegistrationStatus, SizeClass
from companies.models import CallLog, Company, CompanyMembership, Registration, Wish
from companies.services.qualification import registrations_last_call_refresh

from .accounts import UserFactory
from .buyers import BuyerOrganisationFactory
from .editions import EditionFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    siret = factory.Sequence(lambda n: make_siret(random.Random(f"company-test-{n}")))
    legal_name = factory.Faker("company", locale="fr_FR")
    size_class = SizeClass.MICRO
    ess_status = EssStatus.NONE
    commune = "Montreuil"
    postal_code = "93100"
    is_local = True
    contact_name = factory.Faker("name", locale="fr_FR")
    contact_email = factory.Sequence(lambda n: f"contact{n}@entreprise.fr")

    class Params:
        ess = factory.Trait(ess_status=EssStatus.SIAE)
        outside = factory.Trait(commune="Paris", postal_code="75020", is_local=False)


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory, role="company")
    company = factory.SubFactory(CompanyFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    edition = factory.SubFactory(EditionFactory)
    company = factory.SubFactory(CompanyFactory)
    status = RegistrationStatus.REGISTERED

    class Params:
        retained = factory.Trait(status=RegistrationStatus.RETAINED)
        to_call = factory.Trait(status=RegistrationStatus.TO_CALL)
        qualified = factory.Trait(
            status=RegistrationStatus.QUALIFIED,
            tender_capacity="yes",
            real_interest="high",
            documents_ready="ready",
        )
        not_retained = factory.Trait(
            status=RegistrationStatus.NOT_RETAINED, status_reason="Activité sans lien."
        )


class WishFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wish

    registration = factory.SubFactory(RegistrationFactory)
    organisation = factory.SubFactory(BuyerOrganisationFactory)
    planned_contract = None


class CallLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallLog
        skip_postgeneration_save = True

    registration = factory.SubFactory(RegistrationFactory)
    called_at = factory.LazyFunction(timezone.now)
    outcome = CallOutcome.REACHED
    notes = ""

    class Params:
        call_back = factory.Trait(
            outcome=CallOutcome.CALL_BACK,
            callback_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1)),
        )

    @factory.post_generation
    def last_call(obj, create, extracted, **kwargs):
        """The registration's copy of its latest call, as the service keeps it."""
        if create:
            registrations_last_call_refresh(registration_ids=[obj.registration_id])
