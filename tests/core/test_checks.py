"""Deploy checks of the base layer."""

from django.test import override_settings

from ellipse.core.checks import shared_cache


def test_process_local_cache_is_a_deploy_warning():
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        (warning,) = shared_cache(None)
    assert warning.id == "ellipse.W001"
    assert "REDIS_URL" in warning.hint


def test_shared_cache_passes():
    shared = {"default": {"BACKEND": "ellipse.core.cache.ResilientRedisCache", "LOCATION": "x"}}
    with override_settings(CACHES=shared):
        assert shared_cache(None) == []


def _settings_in_a_process(**environ: str) -> list[str]:
    """The cache's and the broker's addresses as the production settings read them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "ellipse.settings.production",
        "SECRET_KEY": "settings-test-" + "x" * 50,
        "ALLOWED_HOSTS": "ellipse.test",
        **environ,
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_the_cache_may_have_a_redis_of_its_own_apart_from_the_broker():
    broker = "redis://redis:6379/0"
    assert _settings_in_a_process(REDIS_URL=broker) == [broker, broker]
    own = "redis://cache:6379/0"
    assert _settings_in_a_process(REDIS_URL=broker, CACHE_REDIS_URL=own) == [own, broker]
