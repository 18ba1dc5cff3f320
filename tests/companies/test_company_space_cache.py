"""The company's space caches its registration's facts and its profile per company: never
another company's, and every change made through the services shows on the next page."""

from html import unescape

import pytest
from django.urls import reverse

from buyers.services import planned_contract_save
from companies.enums import RegistrationStatus
from companies.services.registration import registration_update
from companies.services.selection import registration_transition
from tests.companies.space_page import space_page
from tests.factories import (
    BuyerParticipationFactory,
    CompanyMembershipFactory,
    CpvCodeFactory,
    EditionFactory,
    PlannedContractFactory,
    RegistrationFactory,
    TopicFactory,
    UserFactory,
    WishFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/espace/"


_page = space_page


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


def _wishes(html: str) -> str:
    return html.split('id="titre-souhaits"')[1].split("</section>")[0]


def test_space_wishes_follow_the_company_and_the_catalogue(client, edition):
    member, registration = _member(
        edition, "Bois et Compagnie", CpvCodeFactory(code="45442100"), TopicFactory()
    )
    contract = PlannedContractFactory(year=edition.year, reference="VOIRIE-7", title="Voirie")
    BuyerParticipationFactory(edition=edition, organisation=contract.organisation)
    assert "Aucun souhait" in _wishes(_page(client, member.user))  # now cached
    data = {"organisation": contract.organisation_id, "planned_contract": contract.pk}
    client.post(reverse("companies:wish_toggle"), data)  # wish_toggle: one row
    assert "VOIRIE-7 Voirie" in _wishes(_page(client, member.user))

    # the buyer renames its line (its space's service), the staff rename the buyer (a save)
    contract.title = "Voirie et réseaux"
    planned_contract_save(contract=contract)
    organisation = contract.organisation
    organisation.name = "Ville de Bondy"
    organisation.save()
    wishes = _wishes(_page(client, member.user))
    assert "VOIRIE-7 Voirie et réseaux" in wishes and "Ville de Bondy" in wishes

    # the company's form rewrites its wishes in bulk with its registration
    registration_update(
        registration=registration,
        company_data={},
        cpv_codes=["45442100"],
        wish_organisation_ids=[organisation.pk],
        wish_contract_ids=[],
    )
    wishes = _wishes(_page(client, member.user))
    assert "VOIRIE-7" not in wishes and "Ville de Bondy" in wishes
    client.post(reverse("companies:wish_toggle"), {"organisation": organisation.pk})
    assert "Aucun souhait" in _wishes(_page(client, member.user))


def test_space_warm_page_reads_only_what_changes_without_a_signal(
    client, edition, django_assert_num_queries
):
    member, registration = _member(
        edition,
        "Bois et Compagnie",
        CpvCodeFactory(code="45442100", label="Travaux de peinture"),
        TopicFactory(name="Répondre"),
    )
    contract = PlannedContractFactory(year=edition.year, reference="VOIRIE-7")
    WishFactory(
        registration=registration, organisation=contract.organisation, planned_contract=contract
    )
    client.force_login(member.user)
    # session, user, roles, membership (its company's id, then with its company), edition,
    # registrations, wishes, edition (invitation block), topics, trainings block (next session
    # end, seats, pairings), CPV codes
    with django_assert_num_queries(14):
        assert client.get(URL).status_code == 200
    # rendered again (the first visit set the CSRF cookie, part of the page's key), its parts
    # from the cache: session, user, the company for the template
    with django_assert_num_queries(3):
        client.get(URL)
    # the whole page comes from the cache, and so do the roles, the company's id and the
    # current edition: session, user
    with django_assert_num_queries(2):
        html = unescape(client.get(URL).content.decode())
    assert "Travaux de peinture" in _profile(html) and "Répondre" in _facts(html)
    assert "VOIRIE-7" in _wishes(html)


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_cached_space_serves_tokens_its_reader_can_post_with(edition):
    """The content is cached per user with its forms' CSRF tokens: a token from a cached page
    posts, for each member of the company (a colleague's cached page is never served)."""
    from django.test import Client

    from tests.factories import CompanyFactory

    company = CompanyFactory(legal_name="Bois et Compagnie")
    RegistrationFactory(company=company, edition=edition)
    first, second = (CompanyMembershipFactory(company=company).user for _ in range(2))
    for user in (first, second):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        client.get(URL)  # sets the CSRF cookie: from now on the content is cached
        client.get(URL)
        html = unescape(client.get(URL).content.decode())
        assert "Bois et Compagnie" in html
        response = client.post(
            reverse("sourcing:directory_consent"),
            {"annuaire": "non", "csrfmiddlewaretoken": _token(html)},
        )
        assert response.status_code == 302


def test_the_edit_button_leaves_a_cached_space_when_the_deadline_passes(
    client, edition, monkeypatch
):
    """No write happens when the deadline passes: the content's key holds what the clock moves
    (the phase, whether the registration may still be edited)."""
    import datetime as dt

    from django.utils import timezone

    member = CompanyMembershipFactory()
    RegistrationFactory(company=member.company, edition=edition)
    edition.status = "registration_open"
    edition.registration_deadline = timezone.now() + dt.timedelta(hours=1)
    edition.save()
    edit = reverse("companies:registration_edit")
    assert f'href="{edit}"' in _page(client, member.user)
    assert f'href="{edit}"' in _page(client, member.user)  # cached
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = _page(client, member.user)
    assert f'href="{edit}"' not in html and "La date limite d'inscription est passée" in html


def test_the_invitation_block_of_a_cached_space_follows_the_publication(client, edition):
    from tests.factories import BuyerOrganisationFactory, MeetingFactory

    member = CompanyMembershipFactory()
    RegistrationFactory(company=member.company, edition=edition, status="retained")
    buyer = BuyerOrganisationFactory()  # before the page is cached: only the meeting is new
    _page(client, member.user)
    assert "agenda" not in _page(client, member.user).split('id="titre-inscription"')[0]
    MeetingFactory(edition=edition, buyer=buyer, company=member.company, status="published")
    head = _page(client, member.user).split('id="titre-inscription"')[0]
    assert reverse("invitations:agenda_pdf", args=[edition.year]) in head


def test_a_cached_space_follows_a_meeting_given_to_a_company_retained_late(client, edition):
    """Retained after the schedule was published, with no meeting: the space says so; a
    meeting placed in a freed slot later moves the cached content on (the invitation block's
    version holds the meetings)."""
    from tests.factories import BuyerOrganisationFactory, MeetingFactory

    late = "aucun rendez-vous ne vous est attribué pour l'instant"
    edition.status = "schedule_published"
    edition.save()
    member = CompanyMembershipFactory()
    RegistrationFactory(company=member.company, edition=edition, status="retained")
    buyer = BuyerOrganisationFactory()
    assert late in _page(client, member.user)
    assert late in _page(client, member.user)  # cached
    MeetingFactory(edition=edition, buyer=buyer, company=member.company, status="published")
    assert late not in _page(client, member.user)
