"""allauth adapter: after login, everyone lands on their own space."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        return reverse("space")

    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the company registration form or by an invitation; the bare
        # allauth signup page is closed so that no account exists without an organisation.
        return False
