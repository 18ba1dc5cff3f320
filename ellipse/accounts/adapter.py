"""allauth adapter: after login, everyone lands on their own space; allauth's e-mails go
through the outbox like every other e-mail (a row, then a Celery task)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        return reverse("space")

    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the company registration form or by an invitation; the bare
        # allauth signup page is closed so that no account exists without an organisation.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's templates now, store the result as an outbox row (its context is
        emptied once sent: it holds one-time links) and send it on commit."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from ellipse.outbox.services import email_enqueue

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
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
