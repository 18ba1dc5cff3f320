import pytest
from django.urls import reverse

from ellipse.accounts.roles import Role
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_home_has_landmarks_skip_link_and_entries(client):
    EditionFactory(year=2031, venue="Hôtel de territoire")
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and 'id="contenu"' in html
    for landmark in ('role="banner"', 'role="navigation"', 'role="main"', 'role="contentinfo"'):
        assert landmark in html
    assert "Portes ouvertes de la commande publique 2031" in html
    for url in ("/entreprises/espace/", "/acheteurs/espace/", "/formations/", "/spaser/"):
        assert f'href="{url}"' in html


def test_home_without_edition_still_renders(client):
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("name", ["accessibility", "privacy", "trainings:index"])
def test_static_pages_render(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_health_answers_ok(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_login_page_is_french_and_labelled(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Connexion" in html or "Se connecter" in html
    assert '<label for="id_login"' in html and '<label for="id_password"' in html


def test_space_redirects_anonymous_to_login(client):
    response = client.get(reverse("space"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_space_without_role_explains_and_refuses(client):
    client.force_login(UserFactory())
    response = client.get(reverse("space"))
    assert response.status_code == 403
    assert "rattaché à aucun espace" in response.content.decode()


def test_official_lands_on_dashboard(client):
    client.force_login(UserFactory(role=Role.OFFICIAL))
    assert client.get(reverse("space"))["Location"] == reverse("spaser:dashboard")


def test_staff_lands_on_admin_and_admin_is_branded(client):
    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(reverse("space"))["Location"] == reverse("admin:index")
    html = client.get(reverse("admin:index")).content.decode()
    assert "Ellipse — Est Ensemble" in html


def test_home_offers_registration_while_open(client):
    EditionFactory()
    assert 'href="/entreprises/inscription/"' in client.get(reverse("home")).content.decode()


def test_home_hides_registration_when_closed(client):
    EditionFactory(closed=True)
    assert 'href="/entreprises/inscription/"' not in client.get(reverse("home")).content.decode()
