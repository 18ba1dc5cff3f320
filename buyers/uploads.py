"""The uploaded forecast file kept between the preview and the confirmation.

Stored in MEDIA under a random name; the session remembers which token belongs to which
organisation and year, so a user can only confirm a file they uploaded themselves. On
confirmation the file is read and validated again: nothing from the preview is trusted.
Files of previews never confirmed are deleted after a day (``uploads_purge``, beat task).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

SESSION_KEY = "buyers_forecast_imports"
FOLDER = "buyers/imports"
KEEP = 5  # pending files per session


@dataclass
class PendingImport:
    token: str
    path: str
    name: str
    organisation_id: int
    year: int

    def read(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return handle.read()


def upload_store(*, request, upload, organisation_id: int, year: int) -> PendingImport:
    token = secrets.token_urlsafe(16)
    suffix = Path(upload.name).suffix.lower()
    path = default_storage.save(f"{FOLDER}/{token}{suffix}", ContentFile(upload.read()))
    pending = request.session.get(SESSION_KEY, {})
    for old in list(pending)[: -KEEP + 1] if len(pending) >= KEEP else []:
        upload_discard(request=request, token=old)
        pending = request.session.get(SESSION_KEY, {})
    entry = PendingImport(token, path, Path(upload.name).name, organisation_id, year)
    pending[token] = entry.__dict__
    request.session[SESSION_KEY] = pending
    return entry


def upload_get(*, request, token: str) -> PendingImport | None:
    data = request.session.get(SESSION_KEY, {}).get(token)
    if not data:
        return None
    entry = PendingImport(**data)
    if not default_storage.exists(entry.path):
        return None
    return entry


def upload_discard(*, request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    data = pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    if data and default_storage.exists(data["path"]):
        default_storage.delete(data["path"])


def uploads_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the stored files of previews never confirmed (older than ``older_than``);
    returns how many. Run daily by the beat task ``buyers.tasks.forecast_uploads_purge``."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # confirmed or purged meanwhile
            continue
    return removed
