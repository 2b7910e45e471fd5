"""Settings, read from the environment only, with safe defaults.

LEGATION_HOME       data folder (default: the per-user data directory)
DATABASE_URL        default: SQLite at $LEGATION_HOME/legation.sqlite3 (WAL, foreign keys on)
LEGATION_SECRET_KEY default: generated once and kept in $LEGATION_HOME/secret_key
LEGATION_DEBUG      "1" to turn debug on (off by default)
LEGATION_ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost)
LEGATION_SECURE_COOKIES "0" to send cookies over plain HTTP outside debug (a local `legation demo`)
LEGATION_HSTS_SECONDS   seconds of HSTS (default a year with Secure cookies); "0" for none (serve notes it)
LEGATION_TRUSTED_PROXIES comma-separated addresses or networks of the reverse proxy (default: none)
LEGATION_PLAIN_HTTP "1" to serve plain HTTP without a TLS proxy, on a private network only: no HTTPS
                    redirect, no HSTS, cookies not Secure (`legation serve --plain-http` sets it)
LEGATION_DB_TIMEOUT SQLite: seconds a writer waits for the database's write lock (default 20)
LEGATION_RENDER_CPU_SECONDS, LEGATION_RENDER_MEMORY_MB, LEGATION_RENDER_WALL_SECONDS,
LEGATION_RENDER_PROCESSES  limits of letter rendering (docs/letters.md)
LEGATION_DB_POOL    PostgreSQL: "1" for a connection pool in each process (psycopg 3's), or its
                    largest size (e.g. "8"); off by default (docs/deployment.md, "Connection pooling")
LEGATION_DB_POOL_TIMEOUT  seconds a request waits for a pooled connection (default 10)
LEGATION_DB_PGBOUNCER "1" when DATABASE_URL is a pgbouncer in transaction mode (on by itself for
                    port 6432, pgbouncer's own; "0" to say otherwise): no server-side cursors
LEGATION_DB_PARALLEL_WORKERS PostgreSQL: workers one query may use (max_parallel_workers_per_gather);
                    default 0: a page's short query waits longer for parallel workers to start
                    than it saves, and many users at once keep every core busy anyway;
                    "" leaves the database's own setting
LEGATION_LOG_FORMAT "json" for one JSON object per line on stderr, else "text" (the default)
LEGATION_LOG_LEVEL  default INFO
LEGATION_REQUEST_LOG "1" for a line per request (method, path, status, duration, user id); on by
                    default with the JSON format
LEGATION_MEDIA_ROOT  the folder of stored files (default $LEGATION_HOME/media; one folder shared by
                    every server of an installation: docs/storage.md)
LEGATION_STORAGE_BACKEND, LEGATION_STORAGE_OPTIONS  another Django storage backend (dotted path)
                    and its options (a JSON object), e.g. django-storages' S3 (docs/storage.md)
LEGATION_UPLOADS_ROOT  imports awaiting confirmation (default $LEGATION_HOME/uploads; shared by
                    several servers: docs/storage.md)
LEGATION_CACHE_URL  the cache: db:// (the database's cache table, the default: shared by every
                    process, so the worker's figures computed ahead reach the pages), redis://HOST:
                    PORT/DB, locmem:// (per process: nothing computed ahead) (docs/storage.md)
LEGATION_WARM_SECONDS  seconds between the job worker's rounds of computing figures ahead
                    (default 20; 0: never; docs/insight.md)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import zoneinfo
from pathlib import Path
from typing import Any

import dj_database_url
import platformdirs

_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def _flag(name: str, default: bool = False) -> bool:
    """On or off as the environment variable `name` says (`default` when unset or empty); any
    other word is an error naming the variable, never silently "off"."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"{name}: {value!r} is neither on nor off (1 or 0)")


def _folder(name: str, path: Path) -> Path:
    """Make the folder (and its parents) if missing; an error naming the variable if it cannot
    be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(
            f"{name}: the folder {path} cannot be made ({exc.strerror or exc})"
        ) from None
    return path


BASE_DIR = Path(__file__).resolve().parent
LEGATION_HOME = _folder(
    "LEGATION_HOME",
    Path(
        os.environ.get("LEGATION_HOME") or platformdirs.user_data_dir("legation", appauthor=False)
    ).expanduser(),
)


def _number(name: str, default: str, kind: type = float) -> Any:
    """The number the environment variable `name` holds (`default` when unset), or an error
    naming the variable."""
    value = os.environ.get(name, default)
    expected = "a whole number" if kind is int else "a number"
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not {expected}") from None
    if not (0 <= number < float("inf")):  # NaN fails too
        raise ValueError(f"{name}: {value!r} is not {expected} of zero or more")
    return number


def _secret_key() -> str:
    if key := os.environ.get("LEGATION_SECRET_KEY"):
        return key
    path = LEGATION_HOME / "secret_key"
    try:
        if not path.exists():
            # Written with O_EXCL so two processes starting together do not overwrite each other.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(50))
        return path.read_text().strip()
    except OSError as exc:
        raise ValueError(
            f"LEGATION_SECRET_KEY: unset, and the key file {path} cannot be read or written "
            f"({exc.strerror or exc})"
        ) from None


SECRET_KEY = _secret_key()
DEBUG = _flag("LEGATION_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LEGATION_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "legation.core",
    "legation.ui",
    "legation.people",
    "legation.engagements",
    "legation.intake",
    "legation.letters",
    "legation.claims",
    "legation.insight",
    "legation.web",
    "legation.ops",
    "legation.api",
]

MIDDLEWARE = [
    "legation.core.middleware.TrustedProxyMiddleware",
    "legation.core.logs.RequestLogMiddleware",
    "legation.web.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "legation.web.middleware.UserLanguageMiddleware",
    "legation.core.middleware.AuditContextMiddleware",
    "legation.core.lockout.LockoutMiddleware",
]

ROOT_URLCONF = "legation.urls"
WSGI_APPLICATION = "legation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]
# Django's form renderer with the select boxes and inputs drawn in Python (ui/renderers.py).
FORM_RENDERER = "legation.ui.renderers.FormRenderer"


def _database(url: str) -> dict[str, Any]:
    """The database DATABASE_URL names. Errors never hold the URL itself: it may hold a
    password."""
    import urllib.parse

    usage = "(postgres://user@host:5432/name, or sqlite:///path)"
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if not scheme:
        raise ValueError(f"DATABASE_URL: not a URL {usage}")
    unsupported = ValueError(
        f"DATABASE_URL: {scheme!r} is not a database legation can use: legation supports "
        f"SQLite and PostgreSQL only {usage}"
    )
    try:
        urllib.parse.urlsplit(url).port  # noqa: B018  (reading it checks it)
    except ValueError:
        raise ValueError(
            f"DATABASE_URL: the port is not a number from 1 to 65535 {usage}"
        ) from None
    try:
        database = dj_database_url.parse(url, conn_max_age=60)
    except ValueError:
        raise unsupported from None
    if database["ENGINE"] not in (
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    ):
        raise unsupported
    return database


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{LEGATION_HOME / 'legation.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}
# LEGATION_DB_POOL: off, on (8 connections) or the pool's largest size; read on SQLite too
# (where it changes nothing), so a wrong value is said before a move to PostgreSQL.
_pool = os.environ.get("LEGATION_DB_POOL", "").strip().lower()
if not _pool or _pool in _NO:
    _pool_size = 0
elif _pool in _YES:
    _pool_size = 8
else:
    _pool_size = _number("LEGATION_DB_POOL", "", int)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections kept between requests, as on PostgreSQL: a new SQLite connection parses the
    # whole schema again (470 tables, indexes and triggers: 5 ms) and starts with an empty page
    # cache, which at a million engagements made every page read its index pages anew (the
    # engagements list at 8 users: p95 605 ms with a connection per request, 280 ms kept). In
    # WAL mode an idle connection holds no snapshot, so it never holds back a checkpoint.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked" when a read
        # transaction tries to become a write (a deadlock SQLite cannot wait out). Every write
        # is short (previews and backups work on a private copy, imports check their rows
        # before writing); a writer waits up to LEGATION_DB_TIMEOUT seconds for the lock, then
        # the page answers 503 "try again" (legation.web.errors).
        "transaction_mode": "IMMEDIATE",
        "timeout": _number("LEGATION_DB_TIMEOUT", "20"),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
        ),
    }
else:
    _db = DATABASES["default"]
    _db.setdefault("OPTIONS", {})
    # A connection kept between requests (CONN_MAX_AGE) is checked before it is reused, so a
    # restarted PostgreSQL or pgbouncer costs no failed request.
    _db["CONN_HEALTH_CHECKS"] = True
    # pgbouncer in transaction mode hands each transaction to whichever server connection is
    # free. A server-side cursor (what QuerySet.iterator() uses on PostgreSQL outside a
    # transaction: DECLARE ... WITH HOLD, then FETCH after FETCH) lives on one server
    # connection, so its next FETCH may reach another one and fail with 'cursor "_django_curs_..."
    # does not exist'. Django then reads iterator() results with a client-side cursor instead
    # (each chunk still fetched as it is consumed). Prepared statements, the other thing
    # transaction mode breaks, Django's psycopg 3 backend already leaves off.
    _pgbouncer = os.environ.get("LEGATION_DB_PGBOUNCER")
    if _pgbouncer is None:
        _pgbouncer_on = str(_db.get("PORT") or "") == "6432"
    else:
        _pgbouncer_on = _flag("LEGATION_DB_PGBOUNCER")
    _db["DISABLE_SERVER_SIDE_CURSORS"] = _pgbouncer_on
    # No parallel workers for a query by default: starting them costs 20-30 ms, more than a
    # page's query (one of a person's or organisation's pages) takes alone, and with many users
    # at once every core is busy already. pgbouncer refuses the "options" startup parameter:
    # behind it the database's own setting applies (docs/deployment.md, "PostgreSQL settings").
    _parallel = os.environ.get("LEGATION_DB_PARALLEL_WORKERS", "0").strip()
    if _parallel and not _pgbouncer_on:
        _workers = _number("LEGATION_DB_PARALLEL_WORKERS", "0", int)
        _db["OPTIONS"]["options"] = f"-c max_parallel_workers_per_gather={_workers}"
    # Django's connection pool (psycopg 3's psycopg_pool), one per process: a request borrows a
    # connection and gives it back at its end, instead of opening one (a PostgreSQL backend
    # process, a few milliseconds and megabytes) per thread. A pool replaces persistent
    # connections, so CONN_MAX_AGE must be 0 with it.
    if _pool_size:
        _max = _pool_size
        _db["CONN_MAX_AGE"] = 0
        _db["OPTIONS"]["pool"] = {
            "min_size": min(2, _max),
            "max_size": _max,
            "timeout": _number("LEGATION_DB_POOL_TIMEOUT", "10"),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (letter merges started from the web) queue in the database itself, so the
# embedded set-up needs no extra server; `legation serve` and `legation demo` start the worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _cache(url: str) -> dict:
    """The cache LEGATION_CACHE_URL names: the database's table by default, shared by every process
    and server (and filled ahead by the job worker: insight/warm.py). Every cached figure's key
    holds the ledger's version, so no process ever serves a figure an edit elsewhere made stale,
    whichever cache it is (a per-process one, locmem://, computes each figure in each process).
    The table keeps up to 5,000 entries (a third dropped when full; Django's default, 300, is
    reached by an office of fifty users)."""
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in ("", "db"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": rest.strip("/") or "legation_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ValueError(f"LEGATION_CACHE_URL: unknown cache {scheme!r} (locmem, db, redis)")


# The database's by default: the job worker computes figures ahead into it (insight/warm.py),
# and every process and server reads the same entries.
CACHE_URL = os.environ.get("LEGATION_CACHE_URL", "").strip()
#: seconds between the worker's rounds of computing figures ahead (0: never)
WARM_SECONDS = _number("LEGATION_WARM_SECONDS", "20")
CACHES = {"default": _cache(CACHE_URL)}

# The REST API (legation.api, docs/api.md): tokens or the browser's session, the same
# permissions as the pages, problem details (RFC 9457) for every error, a rate per token.
API_RATE = os.environ.get("LEGATION_API_RATE", "1200/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day|[smhd])", API_RATE.strip()):
    raise ValueError(
        f"LEGATION_API_RATE: {API_RATE!r} is not a count per second, minute, hour or day "
        "(1200/minute)"
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "legation.api.auth.TokenAuthentication",
        "legation.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["legation.api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["legation.api.auth.PerTokenRate"],
    "DEFAULT_PAGINATION_CLASS": "legation.api.pagination.Keyset",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "legation.api.problems.handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "legation API",
    "DESCRIPTION": "The ledger of a mission: people, organisations, engagements and "
    "commitments, with the permissions of the web pages. Authorize with a personal token "
    "(the user menu, API tokens); the guide is docs/api.md in legation's documentation.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["legation.api.auth.TokenScope"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EngagementKindEnum": "legation.engagements.models.Kind",
        "MissionKindEnum": "legation.core.models.Mission.Kind",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Letters: every untrusted template renders in a separate process, stopped at these limits per
# letter (docs/letters.md, "Rendering limits").
LETTER_RENDER_CPU_SECONDS = _number("LEGATION_RENDER_CPU_SECONDS", "2")
LETTER_RENDER_MEMORY_MB = _number("LEGATION_RENDER_MEMORY_MB", "256", int)
LETTER_RENDER_WALL_SECONDS = _number("LEGATION_RENDER_WALL_SECONDS", "10")
LETTER_RENDER_PROCESSES = _number("LEGATION_RENDER_PROCESSES", "2", int)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "legation.core.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Brute-force protection (legation.core.lockout): after 5 failed logins of one user name from one
# address, that pair (only) is locked for a minute, and each further failure doubles the delay up
# to a day. Failures a day old are forgotten.
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCK_DELAY = dt.timedelta(minutes=1)
LOGIN_LOCK_MAX = dt.timedelta(days=1)
LOGIN_FAILURES_FORGOTTEN = dt.timedelta(days=1)

# The operator's word that this server speaks plain HTTP to its users, with no TLS anywhere (a
# private network): it overrides the three HTTPS settings below, and `legation serve` accepts it.
PLAIN_HTTP = _flag("LEGATION_PLAIN_HTTP")
SECURE_COOKIES = not PLAIN_HTTP and _flag("LEGATION_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from our own static files (no inline code, no eval), images also as
# data: addresses (the letter preview's page images), no plugins, no <base>, forms post only to
# ourselves, and no page may be framed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = not PLAIN_HTTP and _flag("LEGATION_SSL_REDIRECT", default=SECURE_COOKIES)
# A load balancer's health checks speak plain HTTP to each server: answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = (
    0
    if PLAIN_HTTP
    else _number("LEGATION_HSTS_SECONDS", "31536000" if SECURE_COOKIES else "0", int)
)
# LEGATION_HSTS_SECONDS=0 is the operator's word for no HSTS (`serve` accepts it, with a note);
# HSTS off merely by default (cookies not Secure) is refused in production.
HSTS_OFF_BY_OPERATOR = (
    not PLAIN_HTTP
    and os.environ.get("LEGATION_HSTS_SECONDS", "").strip() != ""
    and SECURE_HSTS_SECONDS == 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# The reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
# believed; from any other peer those headers are dropped (legation.core.middleware), so a client
# can neither claim HTTPS nor choose the address its failed logins are counted against.
TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LEGATION_TRUSTED_PROXIES", "").split(",") if p.strip()
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language in text (legation/formats/<locale>/formats.py): 6 Dec 2026, 2026年12月6日.
FORMAT_MODULE_PATH = "legation.formats"
TIME_ZONE = os.environ.get("LEGATION_TIME_ZONE", "America/New_York")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ValueError(
        f"LEGATION_TIME_ZONE: unknown time zone {TIME_ZONE!r} (an IANA name: Asia/Shanghai, "
        "America/New_York, UTC)"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = _folder("LEGATION_HOME", LEGATION_HOME / "static")
# Every stored file (letters, imported messages, attachments, merge zips, emblems, the missions'
# Word templates) goes through the default storage (legation.core.files, docs/storage.md): a
# folder by default, shared by every server of an installation (LEGATION_MEDIA_ROOT), or any
# Django storage backend, e.g. django-storages' S3 (LEGATION_STORAGE_BACKEND and its options).
MEDIA_ROOT = Path(os.environ.get("LEGATION_MEDIA_ROOT") or LEGATION_HOME / "media").expanduser()
STORAGE_BACKEND = (
    os.environ.get("LEGATION_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage"
)
try:
    STORAGE_OPTIONS = json.loads(os.environ.get("LEGATION_STORAGE_OPTIONS") or "{}")
except ValueError as exc:  # the message names a place, never the value (it may hold a key)
    raise ValueError(f"LEGATION_STORAGE_OPTIONS: not valid JSON ({exc})") from None
if not isinstance(STORAGE_OPTIONS, dict):
    raise ValueError("LEGATION_STORAGE_OPTIONS: not a JSON object ({...})")
# Imports waiting for confirmation (legation.intake.uploads): private, never in the store; with
# several servers, a folder they share (or a load balancer that keeps a user on one server).
# None: $LEGATION_HOME/uploads.
UPLOADS_ROOT = os.environ.get("LEGATION_UPLOADS_ROOT") or None
STORAGES = {
    "default": {"BACKEND": STORAGE_BACKEND, "OPTIONS": STORAGE_OPTIONS},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Logs go to stderr: plain text by default, or with LEGATION_LOG_FORMAT=json one JSON object per
# line (time, level, logger, message and any extra fields) for a log collector. With
# LEGATION_REQUEST_LOG (on by default with JSON) every request adds one line on "legation.request"
# (legation.core.logs): method, path without its query string (searches name people), status,
# duration, the user's id and the client's address.
LOG_FORMAT = os.environ.get("LEGATION_LOG_FORMAT", "").strip().lower() or "text"
if LOG_FORMAT not in ("text", "json"):
    raise ValueError(f"LEGATION_LOG_FORMAT: {LOG_FORMAT!r} is neither text nor json")
LOG_LEVEL = os.environ.get("LEGATION_LOG_LEVEL", "").strip().upper() or "INFO"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
if LOG_LEVEL not in _LEVELS:
    raise ValueError(f"LEGATION_LOG_LEVEL: {LOG_LEVEL!r} is not a level ({', '.join(_LEVELS)})")
REQUEST_LOG = _flag("LEGATION_REQUEST_LOG", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "json": {
            "()": "legation.core.logs.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    # Other libraries' warnings and errors only; legation's and Django's at LOG_LEVEL.
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own loggers send to the root handler above, not to its debug-only console and the
    # administrators' e-mail (no mail server is configured).
    "loggers": {
        "legation": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
