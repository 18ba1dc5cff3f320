"""Factories (factory-boy + Faker fr_FR), one module per app; import them from here."""

from .accounts import UserFactory
from .buyers import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    BuyerParticipationFactory,
    CpvCodeFactory,
    PlannedContractFactory,
)
from .companies import CompanyFactory, CompanyMembershipFactory, RegistrationFactory, WishFactory
from .editions import EditionFactory
from .meetings import MeetingFactory
from .trainings import ParticipantFactory, SessionFactory, TopicFactory

__all__ = [
    "BuyerMembershipFactory",
    "BuyerOrganisationFactory",
    "BuyerParticipationFactory",
    "CompanyFactory",
    "CompanyMembershipFactory",
    "CpvCodeFactory",
    "EditionFactory",
    "MeetingFactory",
    "ParticipantFactory",
    "PlannedContractFactory",
    "RegistrationFactory",
    "SessionFactory",
    "TopicFactory",
    "UserFactory",
    "WishFactory",
]
