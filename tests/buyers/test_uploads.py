"""Uploaded forecast files kept for the confirmation, and deleted when never confirmed."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from buyers.forms import default_year
from buyers.models import PlannedContract
from buyers.tasks import forecast_uploads_purge
from tests.buyers.forecast_files import csv_bytes, row

pytestmark = pytest.mark.django_db


def _preview(client, reference: str):
    handle = io.BytesIO(csv_bytes([row(Référence=reference)]))
    handle.name = "previsions.csv"
    response = client.post(reverse("buyers:upload"), {"year": default_year(), "file": handle})
    return response.context["pending"]


def test_unconfirmed_previews_are_deleted_after_a_day(client, buyer, cpv_demo):
    client.force_login(buyer)
    old = _preview(client, "2031-001")
    fresh = _preview(client, "2031-002")
    day_and_more = time.time() - 25 * 3600
    os.utime(default_storage.path(old.path), (day_and_more, day_and_more))

    assert forecast_uploads_purge.apply().get() == 1

    assert not default_storage.exists(old.path)
    assert default_storage.exists(fresh.path)
    response = client.post(reverse("buyers:upload"), {"token": old.token}, follow=True)
    assert "Ce dépôt a expiré" in response.content.decode()
    assert not PlannedContract.objects.exists()
    client.post(reverse("buyers:upload"), {"token": fresh.token})
    assert PlannedContract.objects.get().reference == "2031-002"
