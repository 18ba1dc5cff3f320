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
