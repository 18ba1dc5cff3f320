"""Test overlay: fast hashers, e-mails in memory, strict templates.

PostgreSQL and Redis are used when ``DATABASE_URL`` / ``REDIS_URL`` point at them (CI does);
otherwise SQLite and eager Celery, so a newcomer without servers still gets a green run.
"""

import os

from .base import *  # noqa: F403
from .base import TEMPLATES, env

SECRET_KEY = "test-secret-key-not-for-production-" + "t" * 20
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory by default; the worker started by the integration tests writes files instead.
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE[%s]"
# Unit tests run tasks in-process; the integration tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# A queue of this test process's own, so that parallel runs on one Redis never share tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"ellipse-test-{os.getpid()}")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/ellipse-test-media")  # noqa: S108
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
