"""The company registration records training needs as topics (the free text is kept), and the
space shows both; the data migration recognised topics in earlier free text."""

import importlib

import pytest
from django.apps import apps as django_apps

from companies.models import Registration
from tests.companies.registration_helpers import valid_post
from tests.factories import (
    CompanyMembershipFactory,
    EditionFactory,
    RegistrationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_registration_form_records_topics_and_keeps_the_free_text(client):
    EditionFactory()
    signature = TopicFactory(name="Signature électronique et plateformes des acheteurs")
    form = client.get("/entreprises/inscription/").content.decode()
    assert "Thèmes de formation qui vous intéressent" in form and signature.name in form
    client.post(
        "/entreprises/inscription/",
        valid_post(training_topics=[signature.pk], training_needs="Le DUME, surtout."),
    )
    registration = Registration.objects.get()
    assert list(registration.training_topics.all()) == [signature]
    assert registration.training_needs == "Le DUME, surtout."
    member = CompanyMembershipFactory(company=registration.company)
    client.force_login(member.user)
    space = client.get("/entreprises/espace/").content.decode()
    assert signature.name in space and "Le DUME, surtout." in space


def test_data_migration_recognises_topics_in_free_text():
    TopicFactory(
        name="Signature électronique et plateformes des acheteurs",
        keywords="signature électronique",
    )
    TopicFactory(name="Clauses sociales")
    registration = RegistrationFactory(
        training_needs="Apprendre la SIGNATURE électronique", workshops="les clauses sociales"
    )
    RegistrationFactory(training_needs="Rien de tel")
    module = importlib.import_module("companies.migrations.0007_training_needs_to_topics")
    module.forward(django_apps, None)
    names = set(registration.training_topics.values_list("name", flat=True))
    assert names == {"Signature électronique et plateformes des acheteurs", "Clauses sociales"}
    assert registration.training_needs == "Apprendre la SIGNATURE électronique"
