"""allauth: e-mail login, mandatory verification, rate limits, landing by role."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from ellipse.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_with_email_lands_on_role_space(client):
    user = UserFactory(role=Role.OFFICIAL)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("space")
    assert client.get(response["Location"])["Location"] == reverse("spaser:dashboard")


def test_unverified_email_cannot_log_in_and_gets_a_verification_mail(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(role=Role.OFFICIAL, verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):  # allauth mails go through the outbox
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to


def test_failed_logins_are_rate_limited(client):
    user = UserFactory()
    pages = [
        client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        for _ in range(7)
    ]
    assert "Trop de tentatives" not in pages[0].content.decode()
    assert "Trop de tentatives de connexion échouées" in pages[-1].content.decode()
    # Even the right password is refused while the limit holds.
    right = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert right.status_code == 200 and "_auth_user_id" not in client.session


def test_public_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "fermées" in response.content.decode() or response.status_code in (302, 403)


def test_login_by_code_is_offered(client):
    assert client.get(reverse("account_request_login_code")).status_code == 200


def test_password_reset_sends_a_french_link(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):  # allauth mails go through the outbox
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/comptes/password/reset/key/" in mail.outbox[0].body


def test_allauth_mails_are_branded_and_link_to_the_public_address(
    client, settings, django_capture_on_commit_callbacks
):
    """Not « Bonjour, c'est 127.0.0.1:8101 ! »: the platform's name, its public address."""
    settings.SITE_URL = "https://ellipse.exemple.fr"
    user = UserFactory(role=Role.COMPANY)
    unverified = UserFactory(role=Role.COMPANY, verified=False)
    EmailAddress.objects.create(
        user=unverified, email=unverified.email, verified=False, primary=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
        client.post(reverse("account_login"), {"login": unverified.email, "password": PASSWORD})
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.body.startswith("Bonjour,")
        assert "https://ellipse.exemple.fr/comptes/" in message.body
        assert "testserver" not in message.body and "127.0.0.1" not in message.body
        assert "L'équipe Ellipse — Est Ensemble" in message.body
