"""Project-wide test set-up: strict settings, Chromium for browser tests, shared fixtures."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright (sync API)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason="Chromium est absent (/usr/bin/chromium) : `make test` l'installe en root "
        "avec apt-get ; les tests navigateur tournent en CI."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def shared_data() -> Path:
    """The reference data beside the project (never committed); skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"Données de référence absentes ({SHARED_DATA}) : test sauté.")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _isolation(request, tmp_path):
    """Each test gets its own media folder and an empty cache (rate-limit counters live there).

    Pure tests (the solver) run without Django too: then there is nothing to isolate."""
    from django.conf import settings as django_settings

    if not django_settings.configured:
        yield
        return
    from django.core.cache import cache

    from ellipse.core.cache import cache_failures_forget
    from ellipse.core.stamps import _request_finished

    request.getfixturevalue("settings").MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    _request_finished()  # no stamps kept from a streamed response a test left unread
    yield
    cache.clear()
    _request_finished()
    cache_failures_forget()  # an outage a test simulated ends with it
