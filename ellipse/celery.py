"""The Celery application. Without a broker (the embedded default) tasks run eagerly.

Loaded when Django starts (``CoreConfig.ready``) so that ``shared_task`` binds to it in every
process, and by ``celery -A ellipse`` (Celery looks up ``ellipse.celery.app``). Each installed
app's ``tasks.py`` is found by autodiscovery.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ellipse.settings.base")

app = Celery("ellipse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
