"""Hand-off to Celery that survives a broker outage.

``task_enqueue`` sends a task (or a canvas such as a ``chain``) to the broker and, when the
broker cannot be reached, logs the error and returns False instead of raising: the work stays
recorded in the database (an outbox row ``pending``, a run ``pending``) and the feature's sweep
(Celery beat) queues it again once the broker is back. ``task_enqueue_on_commit`` does so after
the current transaction commits, so that a request never answers 500 for a broker that is
down. In eager mode (no broker: the demo, unit tests) the task runs in place and its errors
propagate as usual.
"""

import logging
from collections.abc import Iterable

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

try:  # the Redis client is there whenever Redis is the broker or the result backend
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover — no Redis client installed
    RedisError = OperationalError

BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError, RedisError, OSError)


def task_enqueue(task, /, **kwargs) -> bool:
    """``task.delay(**kwargs)`` (or ``signature.delay()`` with no kwargs). True when the broker
    took it (or it ran eagerly), False when the broker was unreachable (logged)."""
    if getattr(task, "app", current_app).conf.task_always_eager:
        task.delay(**kwargs)
        return True
    try:
        task.delay(**kwargs)
    except BROKER_ERRORS as exc:
        name = getattr(task, "name", None) or getattr(task, "task", None) or repr(task)
        logger.error(
            "Courtier Celery injoignable, tâche %s non mise en file (%s : %s) ; "
            "le balayage la reprendra.",
            name,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def task_enqueue_many(task, /, kwargs_list: Iterable[dict]) -> int:
    """``task_enqueue`` for each set of kwargs; stops at the first broker error (the rest
    would fail the same way). Returns how many were queued."""
    queued = 0
    for kwargs in kwargs_list:
        if not task_enqueue(task, **kwargs):
            break
        queued += 1
    return queued


def task_enqueue_on_commit(task, /, **kwargs) -> None:
    """``task_enqueue`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, **kwargs))
