"""A broker that is down, for tests: this process's Celery app pointed at a closed port."""

import threading
from contextlib import contextmanager

from ellipse.celery import app as celery_app

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextmanager
def broker_unreachable():
    """Broker and result backend unreachable, tasks sent (not run eagerly) while inside."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.result_backend, conf.task_always_eager

    def reset():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app._local = threading.local()  # the cached result backend

    conf.broker_url = conf.result_backend = CLOSED
    conf.task_always_eager = False
    reset()
    try:
        yield
    finally:
        conf.broker_url, conf.result_backend, conf.task_always_eager = saved
        reset()
