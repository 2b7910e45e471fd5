"""A live `legation serve` for the API's tests that speak HTTP to it (the worked example,
the property-based run): its own home and database, a mission with three people, a user and a
write token made by the commands an operator uses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.homes import migrated_postgres, migrated_sqlite
from tests.ops.helpers import drop_database, free_port


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "legation", *args], env=env, input=stdin, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@contextmanager
def live_installation(tmp_path: Path) -> Iterator[dict[str, str]]:
    home = tmp_path / "home"
    env = {**os.environ, "LEGATION_HOME": str(home), "LEGATION_PLAIN_HTTP": "1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    url = os.environ.get("DATABASE_URL", "")
    name = f"legation_test_api_example_{os.getpid()}"
    if url.startswith("postgres"):
        env["DATABASE_URL"] = migrated_postgres(url, name)
    else:
        env.pop("DATABASE_URL", None)
        migrated_sqlite(home)
    run(env, "init")
    (tmp_path / "missions.csv").write_text("ref,name_en,host_country\nEMB-US,Embassy,US\n")
    (tmp_path / "people.csv").write_text(
        "family_name,given_name,name_zh\nWang,Fang,王芳\nCarter,Jimmy,\nSmith,Anna,\n"
    )
    run(env, "import", "missions", str(tmp_path / "missions.csv"))
    run(env, "import", "people", str(tmp_path / "people.csv"), "--mission", "EMB-US")
    run(env, "createuser", "alice", "--role", "officer", "--mission", "EMB-US",
         "--password-stdin", stdin="a-long-passphrase-for-alice\n")  # fmt: skip
    token = run(env, "token", "create", "alice", "--name", "worked example", "--scope", "write")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "legation", "serve", "--plain-http", "--host", "127.0.0.1",
         "--port", str(port), "--no-worker", "--workers", "1", "--threads", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if urllib.request.urlopen(base + "/healthz", timeout=2).status == 200:  # noqa: S310
                break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail((tmp_path / "serve.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield {**env, "LEGATION_URL": base, "LEGATION_TOKEN": token.strip()}
    finally:
        server.terminate()
        server.wait(timeout=30)
        if url.startswith("postgres"):
            drop_database(url, name)
