"""Helpers of the browser tests."""

import re

from playwright.sync_api import Page

from ellipse.accounts.demo import DEMO_PASSWORD


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login page as a person would, and wait for the landing page."""
    page.goto(base_url + "/comptes/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name=re.compile("Connexion|Se connecter")).click()
    page.wait_for_load_state()
