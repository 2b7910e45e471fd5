"""Backup and restore: every record, its history and its files, in one versioned archive.

The archive is a zip file:

    manifest.json            format, version, when, the database engine, the applied
                             migrations of every app, and per table its columns, row count and
                             the SHA-256 of its data file
    data/<app.model>.jsonl   one JSON array per row, values in the manifest's column order
    media/<name>             every stored file a FileField names (attachments, letters), the
                             missions' Word templates and emblems (templates/…)

Values are written in an engine-neutral form (datetimes in UTC ISO 8601, decimals and UUIDs as
text, durations as Django's duration string, content types and permissions by natural key,
since their ids differ between databases), so an archive made on SQLite restores on PostgreSQL
and back. The dump reads one consistent snapshot without blocking anyone: on SQLite a private
copy of the database taken with SQLite's online backup API (`legation.core.dbcopy`), which is then
read at leisure while the live database stays free for writers; on PostgreSQL a REPEATABLE READ,
READ ONLY transaction. The restore writes everything in one transaction with foreign keys checked at
commit, then moves PostgreSQL's sequences past the restored ids. Sessions and login-throttling
records are not kept: they are transient.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_string

from legation.core.db import bulk
from legation.core.dbcopy import private_copy
from legation.core.files import walk
from legation.core.models import Mission

FORMAT = "legation-backup"
VERSION = 1
SKIPPED_APPS = {"sessions", "axes", "contenttypes"}
# Derived tables are left out: database triggers fill them again as the rows load. Login locks
# are passing counters of failed logins (the lockouts themselves are kept as security events).
SKIPPED_MODELS = {
    "auth.permission",
    "insight.engagementsector",
    "insight.postingactivity",
    "core.loginlock",
    "insight.figurewanted",
}
# Tables `legation init` fills; a database holding nothing else counts as empty for a restore.
SEEDED = (
    "core.sector",
    "core.historicalsector",
    "core.region",
    "auth.group",
    "auth.group_permissions",
)


class BackupError(Exception):
    pass


def backed_up_models() -> list[type[models.Model]]:
    """Every table worth keeping, parents before children."""
    chosen = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in SKIPPED_APPS
        and m._meta.label_lower not in SKIPPED_MODELS
        and not m._meta.proxy
        and m._meta.managed
    ]
    order: list[type[models.Model]] = []
    seen: set[type] = set()

    def visit(model: type[models.Model], path: tuple[type, ...] = ()) -> None:
        if model in seen or model in path:
            return
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target in chosen and target is not model:
                visit(target, (*path, model))
        seen.add(model)
        order.append(model)

    for model in sorted(chosen, key=lambda m: m._meta.label_lower):
        visit(model)
    return order


def _natural(field: models.Field) -> str:
    target = field.related_model._meta.label_lower if field.is_relation else ""
    return {"contenttypes.contenttype": "ct", "auth.permission": "perm"}.get(target, "")


class _Keys:
    """Content types and permissions by natural key, both ways."""

    def __init__(self) -> None:
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        self.ct = {ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.all()}
        self.ct_back = {tuple(v): k for k, v in self.ct.items()}
        perms = Permission.objects.values_list("pk", "content_type_id", "codename")
        self.perm = {pk: [*self.ct[ct], code] for pk, ct, code in perms}
        self.perm_back = {tuple(v): k for k, v in self.perm.items()}


def encode(field: models.Field, value: Any, keys: _Keys) -> Any:
    if value is None:
        return None
    kind = _natural(field)
    if kind:
        return getattr(keys, kind)[value]
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)  # FieldFile and the like: their name


def decode(field: models.Field, value: Any, keys: _Keys) -> Any:
    if value is None:
        return None
    kind = _natural(field)
    if kind:
        found = getattr(keys, f"{kind}_back").get(tuple(value))
        if found is None:
            raise BackupError(f"{field.model._meta.label}.{field.name}: unknown {kind} {value}.")
        return found
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.FileField):
        return value
    return field.to_python(value)


def applied_migrations() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        out.setdefault(app, []).append(name)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _rows(model: type[models.Model], keys: _Keys) -> Iterator[list[Any]]:
    fields = model._meta.concrete_fields
    qs = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
    for values in qs.iterator(chunk_size=5000):
        yield [encode(f, v, keys) for f, v in zip(fields, values, strict=True)]


def snapshot() -> dict[str, list[str]]:
    """Every backed-up table as canonical JSON rows: what a round trip must reproduce."""
    keys = _Keys()
    return {
        m._meta.label_lower: [
            json.dumps(r, sort_keys=True, ensure_ascii=False) for r in _rows(m, keys)
        ]
        for m in backed_up_models()
    }


def _media_names() -> set[str]:
    names: set[str] = set()
    for model in backed_up_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                qs = model._base_manager.exclude(**{f.attname: ""}).values_list(
                    f.attname, flat=True
                )
                names.update(n for n in qs if n)
    # Stored files rows name by convention, not by a FileField: the missions' Word templates
    # (letters.merge.production.WORD_TEMPLATES) and emblems named by a storage name.
    names.update(walk("templates"))
    emblems = Mission.objects.exclude(letterhead_emblem="").values_list(
        "letterhead_emblem", flat=True
    )
    names.update(n for n in emblems if not PurePosixPath(n).is_absolute() and ".." not in n)
    return names


def write_backup(out: IO[bytes], progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write the archive; returns its manifest.

    On SQLite the rows are read from a private copy of the database, so a long backup never
    holds the live database's lock (writers, logins included, go on meanwhile).
    """
    with private_copy("backup"):
        return _write_backup(out, progress)


def _pause_for_tests() -> None:
    """Test hook: hold the backup's read for a while, so a test can work meanwhile."""
    if pause := os.environ.get("LEGATION_TEST_BACKUP_PAUSE"):
        Path(os.environ["LEGATION_TEST_BACKUP_PAUSE_FILE"]).write_text("paused")
        time.sleep(float(pause))


def _write_backup(out: IO[bytes], progress: Callable[[str], None] | None) -> dict[str, Any]:
    say = progress or (lambda what: None)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "migrations": applied_migrations(),
        "tables": {},
        "media": [],
        "missing_media": [],
    }
    outermost = not connection.in_atomic_block
    with transaction.atomic(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if connection.vendor == "postgresql" and outermost:  # one snapshot for every table
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        keys = _Keys()
        _pause_for_tests()
        for model in backed_up_models():
            label = model._meta.label_lower
            say(label)
            digest, count = hashlib.sha256(), 0
            with archive.open(f"data/{label}.jsonl", "w", force_zip64=True) as fh:
                for row in _rows(model, keys):
                    line = (
                        json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                        + "\n"
                    ).encode()
                    digest.update(line)
                    fh.write(line)
                    count += 1
            manifest["tables"][label] = {
                "columns": [f.attname for f in model._meta.concrete_fields],
                "rows": count,
                "sha256": digest.hexdigest(),
            }
        for name in sorted(_media_names()):
            if default_storage.exists(name):
                with (
                    default_storage.open(name, "rb") as src,
                    archive.open(f"media/{name}", "w", force_zip64=True) as dst,
                ):
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
                manifest["media"].append(name)
            else:
                manifest["missing_media"].append(name)
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def _safe_media_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(f"The archive names an unsafe file path {name!r}.")
    return str(path)


def _check_empty(tables: dict[str, Any]) -> None:
    busy = []
    for model in backed_up_models():
        label = model._meta.label_lower
        if label not in SEEDED and model._base_manager.exists():
            busy.append(label)
    if busy:
        raise BackupError(
            "The database is not empty ("
            + ", ".join(busy[:5])
            + (" …" if len(busy) > 5 else "")
            + "): restore into a new database (a new LEGATION_HOME or DATABASE_URL)."
        )
    with connection.cursor() as cursor:  # what `legation init` seeded comes back from the archive
        for label in reversed(SEEDED):
            table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a table name from _meta


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("This is not a legation backup (no readable manifest.json).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a legation backup.")
    if int(manifest.get("version", 0)) > VERSION:
        raise BackupError(
            f"The backup is format version {manifest['version']}; this legation reads up to {VERSION}."
        )
    return manifest


def restore_backup(
    source: str | Path | IO[bytes], progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Restore an archive into an empty, migrated database; returns rows restored per table."""
    say = progress or (lambda what: None)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"The backup cannot be opened ({exc}).") from None
    with archive:
        manifest = read_manifest(archive)
        here = applied_migrations()
        theirs = {k: sorted(v) for k, v in manifest["migrations"].items()}
        if here != theirs:
            newer = sorted(
                {f"{a}.{n}" for a, ns in theirs.items() for n in ns}
                - {f"{a}.{n}" for a, ns in here.items() for n in ns}
            )
            hint = (
                f"it has migrations this legation does not know ({', '.join(newer[:3])})"
                if newer
                else "it was made by an older legation: restore it with that version, then upgrade"
            )
            raise BackupError(f"The backup's database schema differs from this one: {hint}.")
        models_by_label = {m._meta.label_lower: m for m in backed_up_models()}
        counts: dict[str, int] = {}
        with transaction.atomic():
            _check_empty(manifest["tables"])
            keys = _Keys()
            for label, info in manifest["tables"].items():
                model = models_by_label.get(label)
                if model is None:
                    raise BackupError(
                        f"The backup holds {label}, which this legation does not have."
                    )
                say(label)
                counts[label] = _load_table(archive, model, label, info, keys)
            bulk.reset_sequences(list(models_by_label.values()))
        for name in manifest.get("media", []):
            target = _safe_media_name(name)
            with archive.open(f"media/{name}") as src:
                if default_storage.exists(target):
                    default_storage.delete(target)
                default_storage.save(target, src)
    return counts


def _load_table(
    archive: zipfile.ZipFile,
    model: type[models.Model],
    label: str,
    info: dict[str, Any],
    keys: _Keys,
) -> int:
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    fields = []
    for name in info["columns"]:
        if name not in by_name:
            raise BackupError(f"{label}.{name} is in the backup but not in this database.")
        fields.append(by_name[name])
    names = [f.attname for f in fields]
    writer = bulk.Writer()
    digest, count, batch = hashlib.sha256(), 0, []
    with archive.open(f"data/{label}.jsonl") as fh:
        for raw in io.TextIOWrapper(fh, encoding="utf-8"):
            digest.update(raw.encode())
            values = json.loads(raw)
            batch.append(
                tuple(
                    f.get_db_prep_save(decode(f, v, keys), connection)
                    for f, v in zip(fields, values, strict=True)
                )
            )
            if len(batch) >= 2000:
                count, batch = count + writer.insert(model, names, batch), []
        count += writer.insert(model, names, batch)
    if digest.hexdigest() != info["sha256"] or count != info["rows"]:
        raise BackupError(f"The backup's {label} data is damaged (checksum or count differs).")
    return count
