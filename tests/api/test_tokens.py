"""API tokens: created by their user on a page or by the operator with `legation token`,
shown once, stored as a digest, refused when revoked or expired, each change a security event."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from legation.api.models import ApiToken
from legation.api.tokens import digest, token_create, token_revoke
from legation.core.models import SecurityEvent
from tests.api.helpers import ApiClient

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"lgn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def test_the_command_prints_the_token_once_and_stores_only_its_digest(officer):
    out, err = StringIO(), StringIO()
    call_command("token", "create", officer.username, "--name", "nightly import",
                 "--scope", "write", stdout=out, stderr=err)  # fmt: skip
    token = out.getvalue().strip()
    assert TOKEN.fullmatch(token)
    row = ApiToken.objects.get(user=officer)
    assert row.digest == digest(token) and token not in (row.digest, row.prefix)
    assert row.scope == "write" and row.name == "nightly import"
    assert ApiClient(token).get("/api/v1/missions/").status_code == 200
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert f"lgn_{row.prefix}" in listing.getvalue() and token not in listing.getvalue()
    call_command("token", "revoke", f"lgn_{row.prefix}", stdout=StringIO())
    answer = ApiClient(token).get("/api/v1/missions/")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    kinds = list(SecurityEvent.objects.filter(user=officer).values_list("kind", flat=True))
    assert sorted(kinds) == ["token_created", "token_revoked"]
    assert not any(token in str(e.detail) for e in SecurityEvent.objects.all())
    with pytest.raises(CommandError, match="already revoked"):
        call_command("token", "revoke", row.prefix)


def test_a_wrong_secret_an_expired_token_and_an_inactive_user_are_refused(officer):
    row, token = token_create(actor=officer, user=officer, name="t")
    assert ApiClient(token).get("/api/v1/missions/").status_code == 200
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert ApiClient(tampered).get("/api/v1/missions/").status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert ApiClient(token).get("/api/v1/missions/").status_code == 401
    ApiToken.objects.filter(pk=row.pk).update(expires=None)
    officer.is_active = False
    officer.save()
    assert ApiClient(token).get("/api/v1/missions/").status_code == 401


def test_no_credentials_is_401_with_the_scheme_named(officer):
    answer = ApiClient(None).get("/api/v1/people/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["type"] == "urn:legation:problem:not_authenticated"


def test_an_expiry_in_the_past_and_a_nameless_token_are_refused(officer):
    with pytest.raises(Exception, match="future") as exc:
        token_create(
            actor=officer, user=officer, name="x", expires=timezone.now() - dt.timedelta(days=1)
        )
    assert "expires" in exc.value.message_dict
    with pytest.raises(Exception, match="Name the token"):
        token_create(actor=officer, user=officer, name="  ")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading", "once", "revoked"),
    [
        ("en", "API tokens", "shown only this once", "was revoked"),
        ("zh-hans", "API 令牌", "只显示这一次", "已撤销"),
    ],
)
def test_the_page_creates_shows_once_lists_and_revokes(officer, language, heading, once, revoked):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(officer)
    page = client.get("/accounts/tokens/", secure=True)
    assert page.status_code == 200 and heading in page.content.decode()
    created = client.post(
        "/accounts/tokens/",
        {"name": "calendar sync", "scope": "read", "expires": "2099-01-31"},
        secure=True,
        follow=True,
    )
    html = created.content.decode()
    assert once in html
    token = TOKEN.search(html).group(0)
    row = ApiToken.objects.get(user=officer)
    assert row.scope == "read"
    assert timezone.localtime(row.expires).date() == dt.date(2099, 1, 31)
    again = client.get("/accounts/tokens/", secure=True).content.decode()
    assert token not in again and f"lgn_{row.prefix}" in again
    done = client.post(f"/accounts/tokens/{row.pk}/revoke/", secure=True, follow=True)
    assert revoked in done.content.decode()
    assert ApiClient(token).get("/api/v1/missions/").status_code == 401


def test_a_user_cannot_revoke_or_see_anothers_token(officer, reader):
    row, token = token_create(actor=officer, user=officer, name="officer's")
    client = Client()
    client.force_login(reader)
    assert "officer&#x27;s" not in client.get("/accounts/tokens/", secure=True).content.decode()
    assert client.post(f"/accounts/tokens/{row.pk}/revoke/", secure=True).status_code == 404
    assert ApiClient(token).get("/api/v1/missions/").status_code == 200


def test_the_page_refuses_a_past_expiry_keeping_what_was_typed(officer):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(officer)
    page = client.post(
        "/accounts/tokens/", {"name": "old", "scope": "write", "expires": "2001-01-01"}, secure=True
    ).content.decode()
    assert 'value="2001-01-01"' in page and 'value="old"' in page
    assert not ApiToken.objects.exists()


def test_revoking_twice_records_one_event(officer):
    row, _ = token_create(actor=officer, user=officer, name="t")
    token_revoke(actor=officer, token=row)
    token_revoke(actor=officer, token=row)
    assert SecurityEvent.objects.filter(kind="token_revoked").count() == 1


def test_a_wrong_rate_setting_is_one_line_and_status_2(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "legation", "stats"],
        env={**env, "LEGATION_HOME": str(tmp_path), "LEGATION_API_RATE": "fast"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "legation: the configuration is not valid: LEGATION_API_RATE: 'fast' is not a count "
        "per second, minute, hour or day (1200/minute)"
    )


def test_reloading_the_page_after_creating_never_makes_a_second_token(officer):
    client = Client()
    client.force_login(officer)
    created = client.post(
        "/accounts/tokens/", {"name": "sync", "scope": "read", "expires": ""}, secure=True
    )
    assert created.status_code == 302  # to the page that shows it, once
    shown = client.get("/accounts/tokens/", secure=True)
    assert TOKEN.search(shown.content.decode())
    assert "no-store" in shown["Cache-Control"]
    again = client.get("/accounts/tokens/", secure=True).content.decode()
    assert not TOKEN.search(again)
    assert ApiToken.objects.filter(user=officer).count() == 1


def test_the_docs_page_sends_a_visitor_to_the_login(officer):
    answer = Client().get("/api/docs/", secure=True)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_a_long_token_name_is_refused_on_the_command_line(officer):
    with pytest.raises(CommandError, match="at most 100"):
        call_command("token", "create", officer.username, "--name", "n" * 101)
    assert not ApiToken.objects.exists()
