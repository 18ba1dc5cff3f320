"""Whole pages cached per user (``ellipse.core.cache.private_page``): the company space, the
buyer space and the planning grid. A warm page renders no template; a page showing a message is
never served from nor stored in the cache; a page is never served to another user; a hit still
renews the CSRF cookie."""

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from ellipse.core.cache import private_page
from tests.factories import (
    BuyerMembershipFactory,
    BuyerOrganisationFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    EditionFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = "/entreprises/espace/"


@pytest.fixture
def member():
    edition = EditionFactory()
    member = CompanyMembershipFactory(company__legal_name="Bois et Compagnie")
    RegistrationFactory(company=member.company, edition=edition)
    return member


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(URL)  # the CSRF cookie: from now on the page may be cached
    return client


def test_a_warm_space_renders_no_template_and_renews_the_csrf_cookie(member):
    client = _client(member.user)
    cold = client.get(URL)
    assert [t.name for t in cold.templates][:1] == ["companies/space.html"]
    warm = client.get(URL)
    assert warm.status_code == 200 and warm.templates == []
    assert warm.content == cold.content
    assert "csrftoken" in warm.cookies  # renewed as a render would
    assert warm["Content-Type"] == cold["Content-Type"]


def test_a_space_showing_a_message_is_neither_served_nor_stored(member):
    client = _client(member.user)
    client.get(URL)  # cached
    response = client.post(reverse("sourcing:directory_consent"), {"annuaire": "non"}, follow=True)
    html = response.content.decode()
    assert response.templates and 'class="message' in html  # rendered, message shown
    after = client.get(URL).content.decode()
    assert 'class="message' not in after  # shown once, and the stored page holds none


def test_a_page_is_never_served_to_another_user_of_the_same_company(member):
    colleague = CompanyMembershipFactory(company=member.company).user
    first = _client(member.user)
    first.get(URL)
    second = _client(colleague)
    response = second.get(URL)
    assert response.templates  # rendered for this user, not the colleague's page
    assert second.get(URL).templates == []


def _stored(key: str) -> str:
    import hashlib

    return "page:" + hashlib.sha256(key.encode()).hexdigest()


def test_the_helper_stores_only_a_200_and_nothing_without_a_key(rf: RequestFactory):
    from django.core.cache import cache

    user = UserFactory()
    request = rf.get("/x/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    calls = []

    def render(status=200):
        calls.append(status)
        return HttpResponse(b"page", status=status)

    private_page(request, "", render, 60)
    private_page(request, "", render, 60)
    assert len(calls) == 2 and not cache.get("page:")
    private_page(request, "k404", lambda: render(404), 60)
    assert cache.get(_stored("k404")) is None
    private_page(request, "k", render, 60)
    assert cache.get(_stored("k")) == b"page"
    assert private_page(request, "k", render, 60).content == b"page" and len(calls) == 4
    request._messages.add(constants.INFO, "Enregistré.")
    private_page(request, "k", render, 60)
    assert len(calls) == 5  # rendered: the message must be shown
    assert [str(m) for m in get_messages(request)] == ["Enregistré."]


def test_a_company_membership_moved_or_taken_away_shows_at_once(member):
    """The company's id is kept under the memberships' stamp: never a stale page."""
    client = _client(member.user)
    assert "Bois et Compagnie" in client.get(URL).content.decode()
    member.company = CompanyFactory(legal_name="Nettoyage Express")
    member.save()
    html = client.get(URL).content.decode()
    assert "Nettoyage Express" in html and "Bois et Compagnie" not in html
    member.delete()
    assert client.get(URL).status_code == 403


def test_a_buyer_membership_moved_or_taken_away_shows_at_once():
    url = reverse("buyers:space")
    membership = BuyerMembershipFactory(organisation__name="Ville de Bagnolet")
    client = Client()
    client.force_login(membership.user)
    client.get(url)
    assert "Ville de Bagnolet" in client.get(url).content.decode()
    membership.organisation = BuyerOrganisationFactory(name="Ville de Pantin")
    membership.save()
    html = client.get(url).content.decode()
    assert "Ville de Pantin" in html and "Ville de Bagnolet" not in html
    membership.delete()
    assert client.get(url).status_code == 403
