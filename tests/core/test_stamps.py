"""Generation stamps (ellipse.core.stamps): a write moves the stamp on, reads agree."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction

from ellipse.core.stamps import stamp, stamp_bump, stamps_watch


@pytest.mark.django_db
def test_stamp_is_stable_until_bumped():
    first = stamp("alpha", "beta")
    assert stamp("alpha", "beta") == first
    alpha, beta, epoch = first.split(".")  # every stamp ends with the cache's epoch
    assert stamp("alpha") == f"{alpha}.{epoch}"
    stamp_bump("beta")  # no transaction: at once
    again = stamp("alpha", "beta").split(".")
    assert again[0] == alpha and again[1] != beta and again[2] == epoch


@pytest.mark.django_db(transaction=True)
def test_bump_again_at_the_commit():
    before = stamp("gamma")
    with transaction.atomic():
        stamp_bump("gamma")
        during = stamp("gamma")
        assert during != before  # this transaction's own reads are fresh
    assert stamp("gamma") not in (before, during)  # and what others cached meanwhile is gone


@pytest.mark.django_db(transaction=True)
def test_watched_model_bumps_on_save_and_delete():
    from django.db.models.signals import post_delete, post_save

    stamps_watch(Group, "groups-test")
    uid = "stamps:auth.Group:groups-test"
    try:
        before = stamp("groups-test")
        group = Group.objects.create(name="Équipe")
        after_save = stamp("groups-test")
        assert after_save != before
        group.delete()
        assert stamp("groups-test") != after_save
    finally:  # no handler left behind for the other tests
        assert post_save.disconnect(sender=Group, dispatch_uid=uid + ":save")
        assert post_delete.disconnect(sender=Group, dispatch_uid=uid + ":delete")


def test_processes_starting_a_namespace_at_once_agree():
    cache.add("stamp:theta", "first", timeout=None)  # another process was first
    assert stamp("theta").split(".")[0] == "first"


def test_cache_lost_gives_fresh_stamps():
    first = stamp("delta")
    cache.clear()
    assert stamp("delta") != first


@pytest.mark.django_db(transaction=True)
def test_many_writes_register_one_commit_bump():
    from django.db import connection

    with transaction.atomic():
        for _ in range(50):
            stamp_bump("epsilon", "zeta")
        assert len(connection.run_on_commit) == 1
        with transaction.atomic():  # registered outside this savepoint: nothing more
            stamp_bump("epsilon")
            assert len(connection.run_on_commit) == 1
    inside = stamp("epsilon")
    with transaction.atomic():
        stamp_bump("epsilon")  # a new transaction registers again
        assert len(connection.run_on_commit) == 1
    assert stamp("epsilon") != inside


@pytest.mark.django_db(transaction=True)
def test_savepoint_rollback_registers_again():
    from django.db import connection

    with transaction.atomic():
        try:
            with transaction.atomic():
                stamp_bump("eta")
                assert len(connection.run_on_commit) == 1
                raise RuntimeError
        except RuntimeError:
            pass
        assert connection.run_on_commit == []  # dropped with the savepoint
        stamp_bump("eta")
        assert len(connection.run_on_commit) == 1


def _in_request():
    from django.core.signals import request_finished, request_started

    class Request:
        def __enter__(self):
            request_started.send(sender=None)

        def __exit__(self, *exc):
            request_finished.send(sender=None)

    return Request()


@pytest.mark.django_db  # request_started closes old connections
def test_a_request_reads_its_stamps_once_and_sees_its_own_bumps(monkeypatch):
    outside = stamp("kappa")
    with _in_request():
        first = stamp("kappa")
        assert first == outside
        cache.set("stamp:kappa", "written-by-another-process", timeout=None)
        assert stamp("kappa") == first  # read once per request: never newer than its data
        stamp_bump("kappa")  # this request's own write: seen at once
        bumped = stamp("kappa")
        assert bumped.split(".")[0] not in (first.split(".")[0], "written-by-another-process")
    cache.set("stamp:kappa", "written-by-another-process", timeout=None)
    with _in_request():  # the next request reads afresh
        assert stamp("kappa").split(".")[0] == "written-by-another-process"
    # outside a request: always afresh
    assert stamp("kappa").split(".")[0] == "written-by-another-process"


@pytest.mark.django_db  # request_started closes old connections
def test_a_requests_first_read_fetches_the_shared_namespaces_in_one_round_trip(monkeypatch):
    with _in_request():
        stamp("lambda-one")
        stamp("lambda-two", "buyers.space.12")  # ids: never fetched ahead
    calls = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, **kw: calls.append(keys) or real(keys))
    with _in_request():
        stamp("lambda-one")
        stamp("lambda-two")
        stamp("lambda-one", "lambda-two")
    assert len(calls) == 1 and {"stamp:lambda-one", "stamp:lambda-two"} <= set(calls[0])
    assert not any("buyers.space.12" in key for key in calls[0])


def test_an_epoch_bump_moves_every_stamp_on():
    from ellipse.core.stamps import epoch_bump

    before = [stamp("iota"), stamp("kappa", "lambda")]
    epoch_bump()
    after = [stamp("iota"), stamp("kappa", "lambda")]
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert [a.split(".")[:-1] for a in after] == [b.split(".")[:-1] for b in before]
