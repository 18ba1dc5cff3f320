"""The trainings catalogue /formations/: filters and list cached under the stamp
``trainings.catalogue`` and the next end of a session. Seats taken or freed, a session saved or
deleted, a session that ends: each shows on the next render; a warm page runs no query."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import CompanyFactory
from tests.factories.trainings import SessionFactory
from trainings import services
from trainings.services import Person

pytestmark = pytest.mark.django_db
URL = "/formations/"


def catalogue(client, params=None) -> str:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_warm_catalogue_runs_no_query(client, django_assert_max_num_queries):
    SessionFactory.create_batch(25)
    first = catalogue(client)
    with django_assert_max_num_queries(0):
        assert catalogue(client) == first
    catalogue(client, {"public": "companies", "page": "2"})
    with django_assert_max_num_queries(0):
        catalogue(client, {"public": "companies", "page": "2", "utm": "x"})


def test_seats_taken_and_freed_show_on_the_next_render(client):
    session = SessionFactory(capacity=2, title="Répondre à un appel d'offres")
    assert "2 places restantes" in catalogue(client)
    company = CompanyFactory()
    (seated,) = services.session_register(
        session_id=session.pk,
        people=[Person("Ana Lima", "ana@exemple.fr")],
        kind="company",
        company_id=company.pk,
    )
    assert "1 place restante" in catalogue(client)
    services.participant_cancel(participant_id=seated.pk)
    assert "2 places restantes" in catalogue(client)


def test_a_session_saved_or_deleted_shows_on_the_next_render(client):
    session = SessionFactory(title="Atelier Zéphyr")
    assert "Atelier Zéphyr" in catalogue(client)
    session.title = "Atelier Zéphyr des offres"
    session.save()  # what the admin's change form does
    assert "Atelier Zéphyr des offres" in catalogue(client)
    session.delete()
    assert "Atelier Zéphyr" not in catalogue(client)


def test_a_session_that_ends_leaves_the_list_without_any_write(client, monkeypatch):
    now = timezone.now()
    SessionFactory(
        title="Bientôt finie",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(minutes=5),
    )
    SessionFactory(title="Plus tard")
    html = catalogue(client)
    assert "Bientôt finie" in html and "2 sessions à venir" in html
    later = now + dt.timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = catalogue(client)
    assert "Bientôt finie" not in html and "1 session à venir" in html


def test_pagination_links_carry_the_cleaned_filters_only(client):
    SessionFactory.create_batch(25)
    html = catalogue(client, {"public": "companies", "evil": "<x>"})
    assert "evil" not in html and 'href="?public=companies&amp;page=2"' in html


def test_a_buyers_registrations_in_its_space_follow_each_write(client):
    from django.urls import reverse

    from tests.factories.buyers import BuyerMembershipFactory

    membership = BuyerMembershipFactory()
    session = SessionFactory(title="Atelier Zéphyr", audience="both")
    client.force_login(membership.user)
    space = reverse("buyers:space")
    assert "Atelier Zéphyr" not in client.get(space).content.decode()
    (agent,) = services.session_register(
        session_id=session.pk,
        people=[Person("Agent Lima", "agent@ville.fr")],
        kind="agent",
        buyer_organisation_id=membership.organisation_id,
    )
    assert "Atelier Zéphyr" in client.get(space).content.decode()
    services.participant_cancel(participant_id=agent.pk)
    assert "Atelier Zéphyr" not in client.get(space).content.decode()
