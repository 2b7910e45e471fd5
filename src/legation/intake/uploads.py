"""Uploads waiting for confirmation: kept privately under LEGATION_HOME, named by a signed token.

The import page streams the file (and its mapping) into `$LEGATION_HOME/uploads/<id>/`, never
under MEDIA_ROOT or STATIC_ROOT, refusing it as soon as it passes the readers' size limit. The
browser gets a token: the upload's random id and the user's id, signed with the secret key and
timestamped. The confirmation sends only that token; one that is forged, expired or another
user's is refused, and nothing the client sends is ever used as a path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

SALT = "legation.intake.upload"
MAX_AGE = 3600  # seconds between the preview and the confirmation
_ID = re.compile(r"^[A-Za-z0-9_-]{24,64}$")


class UploadError(Exception):
    """The confirmation names no upload this user may use; the message says what to do."""


def max_age() -> int:
    return int(getattr(settings, "LEGATION_IMPORT_UPLOAD_MAX_AGE", MAX_AGE))


def root() -> Path:
    """$LEGATION_HOME/uploads, or LEGATION_UPLOADS_ROOT: with several servers behind a load
    balancer, a folder they share (the preview and its confirmation may reach different servers),
    never inside the store of files (docs/storage.md)."""
    path = Path(getattr(settings, "UPLOADS_ROOT", None) or Path(settings.LEGATION_HOME) / "uploads")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def new_folder() -> Path:
    """A fresh folder name for one upload (created when the first file arrives)."""
    return root() / secrets.token_urlsafe(24)


def safe_name(name: str, default: str = "upload") -> str:
    """The client's file name reduced to letters, digits, dots, dashes: for reports, never trusted."""
    try:
        cleaned = get_valid_filename(Path(name or "").name)[-100:]
    except SuspiciousFileOperation:
        cleaned = ""
    return cleaned.lstrip(".") or default


class StoredFile(UploadedFile):
    """An uploaded file already in the upload's private folder."""

    def __init__(self, path: Path, name: str, content_type: str, size: int) -> None:
        super().__init__(path.open("rb"), name=name, content_type=content_type, size=size)
        self.path = path


class PrivateUploadHandler(FileUploadHandler):
    """Streams the named file fields into `folder`, each within its size limit.

    A file over its limit is dropped as it arrives (nothing beyond the limit is written) and
    noted in `too_big`; other file fields are skipped. Replaces Django's memory and /tmp handlers.
    """

    def __init__(self, request: Any, folder: Path, limits: dict[str, int]) -> None:
        super().__init__(request)
        self.folder = folder
        self.limits = limits
        self.too_big: dict[str, int] = {}
        self.file: Any = None
        self.path: Path | None = None
        self.size = 0

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name not in self.limits or field_name in self.too_big:
            raise SkipFile
        where = self.folder / field_name
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in where.iterdir():  # a field sent twice keeps its last file only
            old.unlink()
        self.path = where / safe_name(file_name)
        self.size = 0
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.file = os.fdopen(fd, "wb")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size > self.limits[self.field_name]:
            self.file.close()
            if self.path is not None:
                self.path.unlink(missing_ok=True)
            self.too_big[self.field_name] = self.limits[self.field_name]
            raise SkipFile
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> StoredFile | None:
        if self.file is None or self.path is None:
            return None
        self.file.close()
        return StoredFile(self.path, self.file_name or "", self.content_type or "", file_size)

    def upload_interrupted(self) -> None:
        if self.file is not None:
            self.file.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


@dataclass
class Upload:
    """One stored upload and what its preview was run with."""

    folder: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return self.folder.name

    def path(self, key: str) -> Path | None:
        """The stored file under `key` ("data", "mapping"), checked to lie in the folder."""
        name = self.meta.get(key)
        if not name:
            return None
        path = (self.folder / name).resolve()
        if self.folder.resolve() not in path.parents or not path.is_file():
            raise UploadError(_("The uploaded file is gone: upload it again."))
        return path


def save(folder: Path, meta: dict[str, Any]) -> Upload:
    meta = {**meta, "saved": dt.datetime.now(dt.UTC).isoformat()}
    try:
        fd = os.open(folder / "meta.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError:  # imported or purged meanwhile (a second click)
        raise UploadError(_("This upload is gone (already imported, or expired).")) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(meta, fh)
    return Upload(folder, meta)


def token_for(upload: Upload, user: Any) -> str:
    return signing.dumps({"id": upload.id, "u": user.pk}, salt=SALT)


def open_upload(token: str, user: Any) -> Upload:
    """The upload a confirmation token names, if it is this user's and has not expired."""
    invalid = _("This confirmation is not valid: upload the file again.")
    try:
        data = signing.loads(token or "", salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise UploadError(_("This upload has expired: upload the file again.")) from None
    except signing.BadSignature:
        raise UploadError(invalid) from None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise UploadError(invalid)
    upload_id = str(data.get("id", ""))
    if not _ID.match(upload_id):
        raise UploadError(invalid)
    folder = root() / upload_id
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UploadError(_("This upload is gone (already imported, or expired).")) from None
    if meta.get("user") != user.pk:
        raise UploadError(invalid)
    return Upload(folder, meta)


def is_pending(folder: Path) -> bool:
    """Whether the folder holds a previewed upload awaiting confirmation."""
    try:
        return "fingerprint" in json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


def discard(folder: Path) -> None:
    if folder.parent == root():
        shutil.rmtree(folder, ignore_errors=True)


def purge_expired() -> None:
    """Remove uploads older than the confirmation may be (abandoned previews)."""
    limit = time.time() - max_age() - 60
    for folder in root().iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
