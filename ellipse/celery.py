"""The Celery application. Without a broker (the embedded default) tasks run eagerly.

Loaded when Django starts (``CoreConfig.ready``) so that ``shared_task`` binds to it in every
process, and by ``celery -A ellipse`` (Celery looks up ``ellipse.celery.app``). Each installed
app's ``tasks.py`` is found by autodiscovery.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ellipse.settings.base")

app = Celery("ellipse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def worker_preload(**_kwargs) -> None:
    """In the worker's parent process, before the pool forks: what every child would otherwise
    import on its first task (WeasyPrint for the PDF agendas)."""
    from ellipse.pdf import pdf_preload

    pdf_preload()
