"""System checks of the base layer (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _

PROCESS_LOCAL = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[Warning]:
    """Production runs several processes: rate limits and generation stamps
    (``ellipse.core.stamps``) need a cache they all share (Redis)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PROCESS_LOCAL:
        return [
            Warning(
                _(
                    "Le cache est propre à chaque processus : les limites de débit et les "
                    "fragments mis en cache ne seraient pas partagés entre les processus web et "
                    "Celery."
                ),
                hint=_("Définissez REDIS_URL (Redis sert aussi de courtier à Celery)."),
                id="ellipse.W001",
            )
        ]
    return []
