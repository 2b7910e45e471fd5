"""LEGATION_CACHE_URL: the database's cache by default, shared by every process and server (and
filled ahead by the job worker), Redis, or a per-process one."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection

from legation.settings import _cache


def test_the_cache_url_names_the_backend():
    assert _cache("") == _cache("db://")  # the default: the database's, shared
    assert _cache("locmem://")["BACKEND"].endswith("LocMemCache")
    assert _cache("db://") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "legation_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},  # Django's 300 is fifty users' figures
    }
    assert _cache("db://figures_cache")["LOCATION"] == "figures_cache"
    redis = _cache("redis://10.0.0.5:6379/1")
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://10.0.0.5:6379/1",
    }
    with pytest.raises(ValueError, match="unknown cache 'memcached'"):
        _cache("memcached://127.0.0.1")


def test_the_database_cache_table_is_made_by_migrate_and_holds_what_is_cached(db, settings):
    from django.core.management.sql import emit_post_migrate_signal

    settings.CACHES = {"default": _cache("db://legation_cache_test")}
    assert "legation_cache_test" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as migrate does
    assert "legation_cache_test" in connection.introspection.table_names()
    cache = caches["default"]
    cache.set("figure", {"days": 412}, 60)
    assert cache.get("figure") == {"days": 412}
    # Kept in the database, so every process and server reads the same entry.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM legation_cache_test")
        assert cursor.fetchone()[0] == 1
