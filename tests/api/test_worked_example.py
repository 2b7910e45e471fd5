"""docs/api.md's worked example, run as written against a live `legation serve` with a token
made by `legation token create`: the documentation's script is the test's script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.homes import migrated_postgres, migrated_sqlite
from tests.ops.helpers import drop_database, free_port

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _example() -> str:
    text = DOC.read_text()
    section = text[text.index("## A worked example") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "legation", *args], env=env, input=stdin, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def installation(tmp_path):
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
    _run(env, "init")
    (tmp_path / "missions.csv").write_text("ref,name_en,host_country\nEMB-US,Embassy,US\n")
    (tmp_path / "people.csv").write_text(
        "family_name,given_name,name_zh\nWang,Fang,王芳\nCarter,Jimmy,\nSmith,Anna,\n"
    )
    _run(env, "import", "missions", str(tmp_path / "missions.csv"))
    _run(env, "import", "people", str(tmp_path / "people.csv"), "--mission", "EMB-US")
    _run(env, "createuser", "alice", "--role", "officer", "--mission", "EMB-US",
         "--password-stdin", stdin="a-long-passphrase-for-alice\n")  # fmt: skip
    token = _run(env, "token", "create", "alice", "--name", "worked example", "--scope", "write")
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
    yield {**env, "LEGATION_URL": base, "LEGATION_TOKEN": token.strip()}
    server.terminate()
    server.wait(timeout=30)
    if url.startswith("postgres"):
        drop_database(url, name)


def test_the_documented_script_logs_reads_and_corrects_with_a_token(installation):
    done = subprocess.run(
        [sys.executable, "-c", _example()], env=installation, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    logged = [line for line in lines if line.startswith("logged ")]
    assert [line.split(" ", 2)[2] for line in logged] == [
        "Visit to the port authority with Wang",
        "Call on trade figures with Carter",
    ]
    assert [line for line in lines if line.startswith("timeline ")] == [
        "timeline 2026-11-02 meeting Visit to the port authority"
    ]
    assert "version 2 summary Agreed to exchange port statistics." in lines
    refused = [line for line in lines if line.startswith("refused ")]
    assert len(refused) == 1 and "412 urn:legation:problem:version_conflict" in refused[0]
