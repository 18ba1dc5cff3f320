"""Settings of the page-load benchmark (``benchmarks/pages_load.py``): production settings served
over plain HTTP on 127.0.0.1, plus a trivial view (``benchmarks/urls_bench.py``). Never deployed."""

import warnings

from ellipse.settings.production import *  # noqa: F403

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "benchmarks.urls_bench"
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
