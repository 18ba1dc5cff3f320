"""The company's space caches its registration's facts and its profile per company: never
another company's, and every change made through the services shows on the next page."""

from html import unescape

import pytest

from companies.enums import RegistrationStatus
from companies.services.registration import registration_update
from companies.services.selection import registration_transition
from tests.factories import (
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    RegistrationFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/espace/"


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    return html


def _profile(html: str) -> str:
    return html.split('id="titre-profil"')[1].split("</section>")[0]


def _facts(html: str) -> str:
    return html.split('<dl class="facts">')[1].split("</dl>")[0]


@pytest.fixture
def edition():
    return EditionFactory()


def _member(edition, name, code, topic):
    member = CompanyMembershipFactory(
        company__legal_name=name,
        company__contact_email=f"contact@{name.split()[0].lower()}.test",
        company__keywords=f"mots de {name}",
    )
    member.company.cpv_codes.add(code)
    registration = RegistrationFactory(company=member.company, edition=edition)
    registration.training_topics.add(topic)
    return member, registration


def test_space_fragments_are_never_shared_between_companies(client, edition):
    painting = CpvCodeFactory(code="45442100", label="Travaux de peinture")
    cleaning = CpvCodeFactory(code="90910000", label="Services de nettoyage")
    first, _ = _member(edition, "Bois et Compagnie", painting, TopicFactory(name="Répondre"))
    second, _ = _member(edition, "Nettoyage Express", cleaning, TopicFactory(name="Chiffrer"))
    html = _page(client, first.user)  # the first company's fragments are now cached
    assert "Travaux de peinture" in _profile(html) and "Répondre" in _facts(html)
    html = _page(client, second.user)
    profile, facts = _profile(html), _facts(html)
    assert "Nettoyage Express" in profile and "contact@nettoyage.test" in profile
    assert "Services de nettoyage" in profile and "mots de Nettoyage Express" in profile
    assert "Chiffrer" in facts
    for secret in ("Bois et Compagnie", "contact@bois.test", "peinture", "Répondre"):
        assert secret not in html
    again = _page(client, first.user)
    assert "Bois et Compagnie" in _profile(again) and "Nettoyage" not in again


def test_space_shows_each_change_on_the_next_page(client, edition):
    painting = CpvCodeFactory(code="45442100", label="Travaux de peinture")
    CpvCodeFactory(code="45421000", label="Travaux de menuiserie")
    member, registration = _member(
        edition, "Bois et Compagnie", painting, TopicFactory(name="Répondre")
    )
    other_topic = TopicFactory(name="Chiffrer")
    html = _page(client, member.user)
    assert "Travaux de peinture" in _profile(html) and "toute la matinée" in _facts(html)

    # the company corrects its profile and registration (the service behind the edit form)
    registration_update(
        registration=registration,
        company_data={"keywords": "menuiserie bois", "contact_phone": "0102030405"},
        cpv_codes=["45421000"],
        registration_data={"available_slots": [0, 1], "accessibility_needs": "Rampe"},
        training_topic_ids=[other_topic.pk],
    )
    html = _page(client, member.user)
    profile, facts = _profile(html), _facts(html)
    assert "menuiserie bois" in profile and "01 02 03 04 05" in profile
    assert "Travaux de menuiserie" in profile and "peinture" not in profile
    slots = edition.slots
    assert f"{slots[0].label}, {slots[1].label}" in facts and "Rampe" in facts
    assert "Chiffrer" in facts and "Répondre" not in facts

    # reference data: a topic renamed, the edition's morning moved
    other_topic.name = "Chiffrer une offre"
    other_topic.save()
    edition.morning_start = edition.morning_start.replace(hour=edition.morning_start.hour + 1)
    edition.save()
    html = _page(client, member.user)
    assert "Chiffrer une offre" in _facts(html)
    slots = edition.slots
    assert f"{slots[0].label}, {slots[1].label}" in _facts(html)

    # staff decide (the status sits outside the fragments, the facts follow the registration)
    registration_transition(
        registration=registration,
        to_status=RegistrationStatus.NOT_RETAINED,
        by=UserFactory(role="staff"),
        reason="Aucun marché prévu.",
    )
    assert "Aucun marché prévu." in _page(client, member.user)


def test_space_warm_page_reads_no_topics_nor_codes(
    client, edition, django_assert_num_queries, django_assert_max_num_queries
):
    member, _ = _member(
        edition,
        "Bois et Compagnie",
        CpvCodeFactory(code="45442100", label="Travaux de peinture"),
        TopicFactory(name="Répondre"),
    )
    client.force_login(member.user)
    with django_assert_max_num_queries(14) as cold:
        assert client.get(URL).status_code == 200
    # session, user, roles, membership with its company, edition, registrations, wishes,
    # invitation block, trainings block (2): the topics and the CPV codes come from the cache
    with django_assert_num_queries(len(cold) - 2):
        html = unescape(client.get(URL).content.decode())
    assert "Travaux de peinture" in _profile(html) and "Répondre" in _facts(html)
