"""The directory's results are cached per (query, page, stamp): a warm page runs no search, and
a change of what a result shows — consent first — is on the next render."""

import random

import pytest
from django.urls import reverse

from spaser.sourcing.demo import seed_sourcing
from tests.factories.buyers import CpvCodeFactory
from tests.factories.companies import CompanyFactory, CompanyMembershipFactory
from tests.sourcing.test_sourcing_directory import URL, names, result_count

pytestmark = pytest.mark.django_db


def test_warm_search_runs_no_search_query(client, buyer, supplier, django_assert_num_queries):
    for n in range(25):
        supplier(["90910000"], trade_name=f"Nettoyage {n:02d}", keywords="nettoyage")
    client.force_login(buyer)
    cold = client.get(URL, {"activite": "nettoyage", "page": 2})
    assert result_count(cold) == 25 and len(names(cold)) == 5
    # Session, user: the roles and the buyer's membership are cached; no search, count, row or
    # choice query.
    with django_assert_num_queries(2):
        warm = client.get(URL, {"activite": " nettoyage ", "page": "2"})
    assert names(warm) == names(cold)


def test_withdrawn_consent_disappears_at_once_with_the_cache_warm(client, buyer):
    member = CompanyMembershipFactory(
        company__directory_consent=True, company__trade_name="Partante", company__keywords="élagage"
    )
    client.force_login(buyer)
    assert names(client.get(URL, {"activite": "elagage"})) == {"Partante"}
    assert "Partante" in names(client.get(URL))
    client.force_login(member.user)
    client.post(reverse("sourcing:directory_consent"), {"annuaire": "non"})
    client.force_login(buyer)
    assert names(client.get(URL, {"activite": "elagage"})) == set()
    assert "Partante" not in names(client.get(URL))


def test_new_consent_and_edits_show_on_the_next_render(client, buyer, supplier):
    client.force_login(buyer)
    assert names(client.get(URL, {"activite": "45210000"})) == set()
    company = supplier(trade_name="Maçon")
    company.cpv_codes.add(CpvCodeFactory(code="45210000"))  # the many-to-many path
    assert names(client.get(URL, {"activite": "45210000"})) == {"Maçon"}
    company.cpv_codes.clear()
    assert names(client.get(URL, {"activite": "45210000"})) == set()


def test_bulk_consent_of_the_demo_shows_on_the_next_render(client, buyer):
    CompanyFactory(trade_name="Pas encore", directory_consent=None)
    client.force_login(buyer)
    assert names(client.get(URL)) == set()
    assert seed_sourcing(rng=random.Random(1)) == 1  # 0.13 < 0.75: agrees, by update()
    assert names(client.get(URL)) == {"Pas encore"}


def test_commune_choices_follow_the_companies(client, buyer, supplier):
    client.force_login(buyer)

    def communes():
        return [v for v, _l in client.get(URL).context["form"].fields["commune"].choices]

    assert "Paris" not in communes()
    supplier(commune="Paris", outside=True)
    assert communes()[-1] == "Paris"


def test_filters_with_errors_are_rendered_live(client, buyer, supplier):
    supplier(trade_name="Quelque part")
    client.force_login(buyer)
    for _ in range(2):
        page = client.get(URL, {"commune": "Atlantide"}).content.decode()
        assert "errorlist" in page
    page = client.get(URL, {"commune": "territoire"}).content.decode()
    assert "errorlist" not in page and 'value="territoire" selected' in page
    # the invalid filter falls back to the empty query: that key holds no error either
    assert "errorlist" not in client.get(URL).content.decode()


def test_warm_search_reads_no_commune_list_and_the_drawn_list_follows(
    client, buyer, supplier, monkeypatch
):
    """Filters and results come from one fragment: a warm search neither builds the communes'
    list nor checks one not asked; a new commune is in the list drawn on the next render."""
    supplier(trade_name="Nettoyage Pantin", keywords="nettoyage")
    client.force_login(buyer)
    assert 'value="Paris"' not in client.get(URL, {"activite": "nettoyage"}).content.decode()

    def no_list():
        raise AssertionError("the communes' list was read")

    monkeypatch.setattr("spaser.sourcing.forms.commune_choices", no_list)
    warm = client.get(URL, {"activite": "nettoyage"})
    assert names(warm) == {"Nettoyage Pantin"}
    monkeypatch.undo()
    supplier(trade_name="Nettoyage Paris", keywords="nettoyage", commune="Paris", outside=True)
    page = client.get(URL, {"activite": "nettoyage"})
    assert 'value="Paris"' in page.content.decode()
    assert names(page) == {"Nettoyage Pantin", "Nettoyage Paris"}


def test_a_membership_taken_away_or_given_shows_at_once(client, buyer):
    """Who may use the directory is cached per user under the memberships' stamp: a buyer whose
    membership is deleted is refused on the next request, one given a membership is let in."""
    from buyers.models import BuyerMembership
    from tests.factories.accounts import UserFactory
    from tests.factories.buyers import BuyerOrganisationFactory

    client.force_login(buyer)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200  # warm
    BuyerMembership.objects.get(user=buyer).delete()
    assert client.get(URL).status_code == 403
    newcomer = UserFactory(role="buyer")
    client.force_login(newcomer)
    assert client.get(URL).status_code == 403
    BuyerMembership.objects.create(user=newcomer, organisation=BuyerOrganisationFactory())
    assert client.get(URL).status_code == 200
