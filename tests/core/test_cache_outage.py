"""The project's Redis cache through an outage (``ellipse.core.cache.ResilientRedisCache``):
after a failure it is left alone for a while (no connection attempt per operation), and the
first success after the outage moves every stamp on, so that a bump lost meanwhile leaves no
fragment stale. Real Redis servers, started and stopped by the test; no mock."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from ellipse.core import cache as project_cache
from ellipse.core.stamps import stamp, stamp_bump

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"),
    reason="Il faut le serveur Redis (paquet redis-server), comme en CI.",
)


def _settings(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "ellipse.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, saving its data to ``folder`` when shut down."""

    def __init__(self, folder) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop_saving(self) -> None:
        """SHUTDOWN SAVE: the data written so far comes back with the next start."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "save"], check=False)
        self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(project_cache, "BREAKER_SECONDS", 0.3)
    redis = RedisServer(tmp_path)
    redis.start()
    caches._settings = None
    try:
        with override_settings(CACHES=_settings(redis.port)):
            yield redis
    finally:
        redis.kill()
        caches._settings = None  # back to the test cache


def test_a_bump_lost_in_an_outage_leaves_no_fragment_stale(server, caplog):
    cache = caches["default"]
    before = stamp("outage-test")
    cache.set(f"fragment:{before}", "rendered before the change", None)
    server.stop_saving()  # Redis goes away with the stamp and the fragment on disk
    with caplog.at_level(logging.WARNING, logger="ellipse.cache"):
        stamp_bump("outage-test")  # the change's bump is lost
    assert "Cache indisponible" in caplog.text
    server.start()  # back with the data of before the change
    time.sleep(project_cache.BREAKER_SECONDS)
    after = stamp("outage-test")  # the first read after the outage
    assert after != before
    assert cache.get(f"fragment:{after}") is None  # the old fragment is never read again


def test_after_a_failure_the_cache_is_left_alone_for_a_while(server, caplog):
    cache = caches["default"]
    server.kill()
    attempts = []
    real = project_cache.ReusedClientRedisCacheClient.get_client

    def counted(self, *args, **kwargs):
        attempts.append(1)
        return real(self, *args, **kwargs)

    project_cache.ReusedClientRedisCacheClient.get_client = counted
    try:
        with caplog.at_level(logging.WARNING, logger="ellipse.cache"):
            for _ in range(5):
                assert cache.get("anything", "default") == "default"
                cache.set("anything", 1)
            assert len(attempts) == 1  # one try, then left alone
            time.sleep(project_cache.BREAKER_SECONDS)
            assert cache.get_many(["a", "b"]) == {}
            assert len(attempts) == 2  # tried again once the time is up
    finally:
        project_cache.ReusedClientRedisCacheClient.get_client = real
    assert caplog.text.count("Cache indisponible") == 2
