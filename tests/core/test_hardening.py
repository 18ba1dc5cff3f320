"""Production hardening: security headers, French error pages, a cache that degrades open,
and the client address behind the reverse proxy."""

import logging

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import reverse

from ellipse.accounts.roles import Role
from ellipse.core.ratelimit import client_ip, limit_exceeded
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "ellipse.core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.mark.parametrize(
    "name", ["home", "account_login", "companies:register", "catalogue:index", "trainings:index"]
)
def test_main_pages_send_a_strict_csp_and_permissions_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in permissions


def test_pages_carry_no_inline_script_or_style(client):
    """The strict policy would block them: every script and style is a static file."""
    for name in ("home", "account_login", "companies:register", "catalogue:index"):
        html = client.get(reverse(name)).content.decode()
        assert "<style" not in html, name
        assert " style=" not in html, name
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)


def test_company_on_a_buyer_page_gets_a_french_403_with_a_way_back(client):
    client.force_login(UserFactory(role=Role.COMPANY))
    response = client.get(reverse("buyers:space"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html and 'href="/espace/"' in html and "Forbidden" not in html
    assert 'role="main"' in html


@override_settings(DEBUG=False)
def test_unknown_page_gets_a_french_404_in_the_layout(client):
    response = client.get("/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html and "Revenir à l'accueil" in html and "Not Found" not in html


def test_server_error_page_is_french_and_never_fails():
    from ellipse.core.errors import server_error

    request = RequestFactory().get("/")
    response = server_error(request)  # no user, no session: still a page
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_csrf_failure_is_explained_in_french():
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("account_login"), {"login": "a@b.fr", "password": "x"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


@override_settings(CACHES=DEAD_REDIS)
def test_resilient_cache_misses_and_drops_writes_when_redis_is_down(caplog):
    cache = caches.create_connection("default")
    with caplog.at_level(logging.WARNING, logger="ellipse.cache"):
        assert cache.get("x") is None
        assert cache.add("x", 1) is True
        cache.set("x", 1)
        assert cache.get_many(["x", "y"]) == {}
        assert cache.incr("x") == 0
    assert "Cache indisponible" in caplog.text


@override_settings(CACHES=DEAD_REDIS)
def test_sign_in_and_cpv_search_work_with_redis_down(client, caplog):
    """Rate limits use the cache: with Redis unreachable they let requests through, logged."""
    from django.core import cache as cache_module

    cache_module.caches._settings = None  # let the overridden CACHES take effect
    try:
        for attr in ("default",):
            if hasattr(cache_module.caches._connections, attr):
                delattr(cache_module.caches._connections, attr)
        user = UserFactory(email="panne@example.fr", role=Role.COMPANY)
        user.set_password("un-mot-de-passe-solide")
        user.save()
        with caplog.at_level(logging.WARNING, logger="ellipse.cache"):
            response = client.post(
                reverse("account_login"),
                {"login": "panne@example.fr", "password": "un-mot-de-passe-solide"},
            )
            assert response.status_code == 302
            assert client.get(reverse("companies:cpv_search"), {"q": "peinture"}).status_code == 200
        assert "Cache indisponible" in caplog.text
    finally:
        if hasattr(cache_module.caches._connections, "default"):
            delattr(cache_module.caches._connections, "default")


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "6.6.6.6", "10.0.0.1"),  # no proxy: the header is ignored (forgeable)
        (1, "172.30.0.10", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # rightmost = set by the proxy
        (1, "172.30.0.10", "", "172.30.0.10"),
    ],
)
def test_client_ip_believes_forwarded_for_only_from_the_configured_proxies(
    settings, count, remote, forwarded, expected
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_rate_limit_counts_each_client_apart(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    alice = factory.get("/", REMOTE_ADDR="172.30.0.10", HTTP_X_FORWARDED_FOR="198.51.100.1")
    bob = factory.get("/", REMOTE_ADDR="172.30.0.10", HTTP_X_FORWARDED_FOR="198.51.100.2")
    results = [limit_exceeded(alice, scope="t", limit=3) for _ in range(5)]
    assert results == [False, False, False, True, True]
    assert limit_exceeded(bob, scope="t", limit=3) is False


def test_a_nul_character_anywhere_gets_a_400_not_a_database_error(client):
    assert client.get(reverse("companies:cpv_search"), {"q": "pein\x00ture"}).status_code == 400
    response = client.post(reverse("account_login"), {"login": "a\x00@b.fr", "password": "x"})
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()
