"""allauth adapter: after login, everyone lands on their own space; allauth's e-mails go
through the outbox like every other e-mail (a row, then a Celery task)."""

from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _


def site_link(path: str) -> str:
    """An absolute link for an e-mail: the public address (``SITE_URL``), never the address the
    request happened to come through (a worker, a proxy, 127.0.0.1)."""
    return settings.SITE_URL.rstrip("/") + path


def site_identity() -> SimpleNamespace:
    """What allauth's templates call ``current_site``: the platform's name and public domain."""
    domain = urlsplit(settings.SITE_URL).netloc
    return SimpleNamespace(name=_("Ellipse — Est Ensemble"), domain=domain)


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        return reverse("space")

    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the company registration form or by an invitation; the bare
        # allauth signup page is closed so that no account exists without an organisation.
        return False

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_link(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's templates now, store the result as an outbox row (its context is
        emptied once sent: it holds one-time links) and send it on commit."""
        from allauth.core import context as allauth_context

        from ellipse.outbox.services import email_enqueue

        request = allauth_context.request
        ctx = {"request": request, "email": email}
        ctx.update(context)
        ctx.update(current_site=site_identity(), site_url=settings.SITE_URL)
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = content
        if getattr(message, "content_subtype", "plain") == "html":
            html, text = message.body, ""
        else:
            text = message.body
        email_enqueue(
            to=email,
            template="outbox/rendered",
            context={"subject": message.subject, "text": text, "html": html},
            batch=f"allauth-{template_prefix.rsplit('/', 1)[-1]}",
        )
