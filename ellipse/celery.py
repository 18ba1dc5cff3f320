"""The Celery application. Without a broker (the embedded default) tasks run eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ellipse.settings.base")

app = Celery("ellipse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Subpackages that are not apps: their tasks are registered explicitly.
app.autodiscover_tasks(["meetings.invitations"])
