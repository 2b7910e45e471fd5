"""Login lockout per (user name, address): an attacker's address cannot lock the real user out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from legation.core.models import LoginLock, SecurityEvent, Sensitivity
from tests import factories

ATTACKER = "203.0.113.9"
HOME = "198.51.100.7"
PASSWORD = "x-Secret-pass-42"


def login(address: str, username: str = "officer", password: str = PASSWORD, path="/accounts/"):
    client = Client(REMOTE_ADDR=address)
    page = client.post(f"{path}login/", {"username": username, "password": password})
    return page, client


def attack(times: int, username: str = "officer", address: str = ATTACKER) -> None:
    for i in range(times):
        login(address, username, f"guess-{i}-wrong")


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_attackers_address_does_not_lock_the_user_out(officer):
    attack(settings.LOGIN_FAILURE_LIMIT * 3)
    page, client = login(HOME)
    assert page.status_code == 302 and logged_in(client)


def test_behind_the_reverse_proxy_each_client_address_counts(officer, settings):
    """Every request arrives from the proxy's address: the lock follows the forwarded one."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for i in range(settings.LOGIN_FAILURE_LIMIT * 2):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER).post(
            "/accounts/login/", {"username": "officer", "password": f"guess-{i}"}
        )
    user = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=HOME)
    page = user.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert page.status_code == 302 and logged_in(user)
    assert LoginLock.objects.get().address == ATTACKER


def test_the_attacker_is_locked_with_a_clear_message(officer):
    attack(settings.LOGIN_FAILURE_LIMIT)
    # Locked now: even the right password is refused, with when to try again, not a 500.
    page, client = login(ATTACKER)
    assert page.status_code == 429 and not logged_in(client)
    text = page.content.decode()
    assert "Too many failed logins" in text and "Try again in 1 minute" in text
    assert page["Retry-After"] == "60"
    assert page["Content-Security-Policy"]
    event = SecurityEvent.objects.get(kind="lockout")
    assert event.username == "officer" and event.remote_addr == ATTACKER
    assert event.detail["failures"] == settings.LOGIN_FAILURE_LIMIT


def test_the_admin_login_is_locked_the_same_way(officer):
    attack(settings.LOGIN_FAILURE_LIMIT)
    page, client = login(ATTACKER, path="/admin/")
    assert page.status_code == 429 and not logged_in(client)


def test_the_delay_doubles_with_each_failure_past_the_limit(officer):
    attack(settings.LOGIN_FAILURE_LIMIT)
    lock = LoginLock.objects.get(username="officer", address=ATTACKER)
    first = lock.locked_until - lock.last_failure
    assert first == settings.LOGIN_LOCK_DELAY
    # Tries while locked are refused unchecked and do not count.
    attack(3)
    assert LoginLock.objects.get(pk=lock.pk).failures == settings.LOGIN_FAILURE_LIMIT
    for expected in (2, 4, 8):
        LoginLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now())  # time passes
        attack(1)
        lock.refresh_from_db()
        assert lock.locked_until - lock.last_failure == first * expected
    assert SecurityEvent.objects.filter(kind="lockout").count() == 4


def test_the_delay_stops_at_the_maximum(officer):
    LoginLock.objects.create(
        username="officer", address=ATTACKER, failures=60, last_failure=timezone.now()
    )
    attack(1)
    lock = LoginLock.objects.get()
    assert lock.locked_until - lock.last_failure == settings.LOGIN_LOCK_MAX


def test_a_success_from_the_address_forgets_its_failures(officer):
    attack(settings.LOGIN_FAILURE_LIMIT - 1, address=HOME)
    _, client = login(HOME)
    assert logged_in(client)
    assert not LoginLock.objects.filter(address=HOME).exists()


def test_spellings_of_a_name_count_together(officer):
    for name in ("officer", "Officer", "OFFICER ", "officer", "oFFicer"):
        login(ATTACKER, name, "wrong-password-1")
    assert LoginLock.objects.get().failures == 5
    assert login(ATTACKER)[0].status_code == 429


def test_unknown_names_are_locked_like_real_ones(db):
    """No difference tells an attacker whether a login exists."""
    attack(settings.LOGIN_FAILURE_LIMIT, username="nobody")
    assert login(ATTACKER, "nobody")[0].status_code == 429


def test_old_failures_are_forgotten(officer):
    attack(settings.LOGIN_FAILURE_LIMIT - 1)
    LoginLock.objects.update(
        last_failure=timezone.now() - settings.LOGIN_FAILURES_FORGOTTEN - dt.timedelta(minutes=1)
    )
    attack(1)
    assert LoginLock.objects.get().failures == 1 and LoginLock.objects.get().locked_until is None


# -- administrators list and lift locks --------------------------------------------------------


@pytest.fixture
def chief(mission):
    """An administrator of the officer's mission."""
    return factories.user_with_role("chief", "administrator", [mission], Sensitivity.INTERNAL)


@pytest.fixture
def foreign_chief(other_mission):
    return factories.user_with_role(
        "fchief", "administrator", [other_mission], Sensitivity.INTERNAL
    )


def test_user_locks_lists_and_user_unlock_lifts(officer, capsys):
    attack(settings.LOGIN_FAILURE_LIMIT)
    call_command("user", "locks")
    out = capsys.readouterr().out
    assert "officer" in out and ATTACKER in out
    call_command("user", "unlock", "officer")
    assert "Unlocked officer" in capsys.readouterr().out
    event = SecurityEvent.objects.get(kind="unlock")
    assert event.username == "officer" and event.detail == {
        "addresses": [ATTACKER],
        "by": "system",
    }
    page, client = login(ATTACKER)
    assert page.status_code == 302 and logged_in(client)
    call_command("user", "locks")
    assert "No login is locked" in capsys.readouterr().out


def test_unlock_of_one_address(officer):
    attack(settings.LOGIN_FAILURE_LIMIT)
    attack(settings.LOGIN_FAILURE_LIMIT, address="192.0.2.1")
    call_command("user", "unlock", "officer", "--address", ATTACKER)
    assert list(LoginLock.objects.values_list("address", flat=True)) == ["192.0.2.1"]


def test_unlock_of_a_login_without_locks_is_a_clear_error(officer):
    with pytest.raises(CommandError, match="has no login lock"):
        call_command("user", "unlock", "officer")


def test_an_administrator_unlocks_only_the_logins_they_manage(
    officer, outsider, chief, foreign_chief, capsys
):
    attack(settings.LOGIN_FAILURE_LIMIT)
    attack(settings.LOGIN_FAILURE_LIMIT, username="outsider")
    call_command("user", "locks", "--as", "chief")
    out = capsys.readouterr().out
    assert "officer" in out and "outsider" not in out
    with pytest.raises(CommandError, match="do not manage"):
        call_command("user", "unlock", "outsider", "--as", "chief")
    with pytest.raises(CommandError, match="do not manage"):
        call_command("user", "unlock", "officer", "--as", "fchief")
    with pytest.raises(CommandError, match="do not manage"):
        call_command("user", "unlock", "officer", "--as", "officer")
    call_command("user", "unlock", "officer", "--as", "chief")
    event = SecurityEvent.objects.get(kind="unlock")
    assert event.user == chief and event.detail["by"] == "chief"
    assert LoginLock.objects.filter(username="outsider").exists()


def test_the_admin_lists_and_unlocks_the_managed_logins(client, officer, outsider, chief):
    attack(settings.LOGIN_FAILURE_LIMIT)
    attack(settings.LOGIN_FAILURE_LIMIT, username="outsider")
    client.force_login(chief)
    page = client.get("/admin/core/loginlock/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ATTACKER in text and ">officer<" in text and ">outsider<" not in text
    mine = LoginLock.objects.get(username="officer")
    theirs = LoginLock.objects.get(username="outsider")
    # A forged selection of a lock the administrator does not manage changes nothing.
    client.post(
        "/admin/core/loginlock/",
        {"action": "unlock", "_selected_action": [mine.pk, theirs.pk]},
    )
    assert not LoginLock.objects.filter(pk=mine.pk).exists()
    assert LoginLock.objects.filter(pk=theirs.pk).exists()
    assert SecurityEvent.objects.get(kind="unlock").user == chief


def test_officers_do_not_see_login_locks(client, officer):
    attack(settings.LOGIN_FAILURE_LIMIT)
    client.force_login(officer)
    assert client.get("/admin/core/loginlock/").status_code == 403
