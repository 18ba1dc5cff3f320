"""A real Celery worker process against Redis and the PostgreSQL test database."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ellipse.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent.parent


def _require_servers() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip(
            "Test d'intégration : il faut PostgreSQL et Redis (DATABASE_URL=postgres://… et "
            "REDIS_URL=redis://…), comme en CI."
        )


class WorkerProcess:
    """``celery worker`` in a subprocess, on a queue of its own, writing e-mails to files."""

    def __init__(self, *, mail_dir: Path, concurrency: int = 2) -> None:
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.name = f"{self.queue}-{uuid.uuid4().hex[:6]}"
        self.mail_dir = mail_dir
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log_path = mail_dir.parent / f"{self.name}.log"
        self._log = None
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ellipse.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER'] or ''}:{db['PASSWORD'] or ''}@{db['HOST'] or ''}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self) -> None:
        if self._log is None:
            self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ellipse",
                "worker",
                "-l",
                "warning",
                "-Q",
                self.queue,
                "-c",
                str(self.concurrency),
                "--pool",
                "prefork",
                "-n",
                f"{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(
                destination=[f"{self.name}@{os.uname().nodename}"], timeout=1.0
            )
            if replies:
                return
            if self.process.poll() is not None:
                raise RuntimeError(self.log)
        raise RuntimeError("Le worker Celery n'a pas démarré en 60 s.")

    def kill(self) -> None:
        """Kill the whole worker (parent and children) without a warm shutdown."""
        if self.process and self.process.poll() is None:
            subprocess.run(["pkill", "-KILL", "-f", "--", f"-Q {self.queue}"], check=False)
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log is not None:
            self._log.close()
            self._log = None


@contextmanager
def _broker_mode():
    """Make this test process send tasks to the broker instead of running them in-process."""
    conf = celery_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False
    try:
        yield
    finally:
        conf.task_always_eager = saved


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A started worker; tasks queued by the test go to it. Stopped at the end."""
    _require_servers()
    worker = WorkerProcess(mail_dir=tmp_path / "mail")
    with _broker_mode():
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()
