"""The `legation` command: Django's management commands with legation's settings selected."""

from __future__ import annotations

import os
import sys
from typing import Any


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legation.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "legation"
    if len(argv) == 1:
        argv.append("help")
    if argv[1] == "demo":
        # The demo serves plain HTTP on the loopback address: cookies cannot be "secure" there.
        os.environ.setdefault("LEGATION_SECURE_COOKIES", "0")
    if argv[1] == "serve" and "--plain-http" in argv[2:]:
        # The operator's switch for plain HTTP on a private network, read with the settings.
        os.environ["LEGATION_PLAIN_HTTP"] = "1"
    _settings_or_exit()
    if argv[1] not in ("help", "--help", "-h", "version", "--version"):
        _database_or_exit()
        _storage_or_exit()
    execute_from_command_line(argv)


def _settings_or_exit() -> None:
    """The settings read once before any command: a wrong setting (an unknown time zone, a
    DATABASE_URL of no known scheme, an unknown cache) is one line naming the variable and exit
    status 2, not a traceback."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reading it loads the settings)
    except (ValueError, ImproperlyConfigured) as e:
        sys.stderr.write(f"legation: the configuration is not valid: {e}\n")
        raise SystemExit(2) from None


def _database_or_exit() -> None:
    """The database reached once before a command that needs it: one that cannot be (a SQLite
    file in a folder that does not exist, a PostgreSQL server down or refusing) is one line and
    exit status 2, not a traceback. The password of the URL is never printed."""
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection
    from django.db.utils import Error

    try:
        django.setup()  # a backend whose driver is missing fails here
        if (connection.settings_dict.get("OPTIONS") or {}).get("pool"):
            _direct_connection(connection)
        connection.ensure_connection()
    except (Error, ImproperlyConfigured) as e:
        reason = " ".join(str(e).split()) or e.__class__.__name__
        if password := connection.settings_dict.get("PASSWORD"):
            reason = reason.replace(password, "***")
        sys.stderr.write(f"legation: the database cannot be reached: {reason}\n")
        raise SystemExit(2) from None


def _direct_connection(connection: Any) -> None:
    """One connection made without the pool, and closed: with LEGATION_DB_POOL a database that
    cannot be reached (missing, a wrong role, host or port) would otherwise be found only after
    LEGATION_DB_POOL_TIMEOUT, as "couldn't get a connection", the reason itself left to the pool's
    repeated warnings. psycopg's errors are Django's here too (a subclass of its Error)."""
    import psycopg
    from django.db.utils import OperationalError

    params = connection.get_connection_params()
    params.setdefault("connect_timeout", 10)
    try:
        psycopg.connect(**params).close()
    except psycopg.Error as e:
        raise OperationalError(str(e)) from None


def _storage_or_exit() -> None:
    """The storage of files made once before a command: a backend that cannot be found or
    does not take its options is one line naming the variable and exit status 2, not a
    traceback when the first file is stored (or at `legation backup`)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.files.storage import InvalidStorageError, storages

    try:
        storages["default"]
    except InvalidStorageError as e:
        name, reason = "LEGATION_STORAGE_BACKEND", e
    except (TypeError, ImproperlyConfigured) as e:
        name, reason = "LEGATION_STORAGE_BACKEND, LEGATION_STORAGE_OPTIONS", e
    else:
        return
    reason = " ".join(str(reason).split()) or reason.__class__.__name__
    sys.stderr.write(f"legation: the configuration is not valid: {name}: {reason}\n")
    raise SystemExit(2) from None


if __name__ == "__main__":
    main()
