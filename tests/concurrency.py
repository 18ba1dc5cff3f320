"""Real concurrency for the tests that need it: calls released at once, each in its own thread
with its own PostgreSQL connection (SQLite serialises writes, so those tests skip there)."""

import threading

import pytest
from django.db import connection, connections


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrence réelle entre deux transactions : il faut PostgreSQL "
            "(DATABASE_URL=postgres://…), comme en CI."
        )


def race(*calls, catch: type[BaseException] = Exception) -> list:
    """Run each call in its own thread, all released by one barrier; returns each call's
    result, or the ``catch`` exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except catch as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes
