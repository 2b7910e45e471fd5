"""A property-based run of the API (Schemathesis) against a live `legation serve`, from the
committed schema: for every operation, examples drawn from its parameters and bodies, sent as an
officer who writes and as a reader; no answer may be a server error or break the schema, and no
answer to the reader may carry a restricted record. The run prints its counts."""

from __future__ import annotations

import collections
import json
import urllib.request
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.api.live import live_installation, run  # noqa: E402

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
MARKER = "RESTRICTED-MARKER-7f3a"
EXAMPLES = 8  # per operation and persona: CI's time, not the search's depth


def _post(base: str, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310  (the test's own server)
        base + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request) as answer:  # noqa: S310  (the test's own server)
        return json.loads(answer.read())


@pytest.fixture
def personas(tmp_path):
    with live_installation(tmp_path) as env:
        base = env["LEGATION_URL"]
        run(
            env,
            "createuser",
            "cleared",
            "--role",
            "officer",
            "--mission",
            "EMB-US",
            "--clearance",
            "restricted",
            "--password-stdin",
            stdin="a-long-passphrase-for-c\n",
        )
        run(env, "createuser", "reader", "--role", "reader", "--mission", "EMB-US",
            "--password-stdin", stdin="a-long-passphrase-for-r\n")  # fmt: skip
        cleared = run(env, "token", "create", "cleared", "--name", "fuzz", "--scope", "write")
        reader = run(env, "token", "create", "reader", "--name", "fuzz", "--scope", "write")
        people = json.loads(
            urllib.request.urlopen(  # noqa: S310
                urllib.request.Request(  # noqa: S310
                    base + "/api/v1/people/",
                    headers={"Authorization": f"Bearer {cleared.strip()}"},
                )
            ).read()
        )["results"]
        secret = _post(base, cleared.strip(), "/api/v1/engagements/", {
            "kind": "meeting", "start": "2026-01-05T10:00:00Z", "subject": MARKER,
            "summary": MARKER, "sensitivity": 2, "people": [people[0]["id"]]})  # fmt: skip
        _post(base, cleared.strip(), "/api/v1/commitments/", {
            "engagement": secret["id"], "description": MARKER})  # fmt: skip
        yield base, {"officer": env["LEGATION_TOKEN"], "reader": reader.strip()}


def test_no_operation_answers_a_server_error_breaks_the_schema_or_leaks(personas, capsys):
    base, tokens = personas
    schema = schemathesis.openapi.from_dict(yaml.safe_load(SCHEMA.read_text()))
    counts: collections.Counter[str] = collections.Counter()
    failures: list[str] = []

    def probe_as(operation, persona: str, headers: dict) -> None:
        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=operation.as_strategy())
        def probe(case):
            response = case.call(base_url=base, headers=headers)
            counts[f"{response.status_code // 100}xx"] += 1
            counts["requests"] += 1
            if persona == "reader" and MARKER in response.text:
                failures.append(f"reader saw a restricted record: {case.method} {case.path}")
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            probe()
        except (Exception, BaseExceptionGroup) as exc:  # the smallest failing example: kept
            failures.append(f"{persona} {operation.label}: {str(exc)[:700]}")

    for result in schema.get_all_operations():
        operation = result.ok()
        for persona, token in tokens.items():
            probe_as(operation, persona, {"Authorization": f"Bearer {token}"})
        counts["operations"] += 1
    with capsys.disabled():
        print(f"\nAPI property run: {dict(sorted(counts.items()))}")
    assert counts["operations"] >= 30 and counts["requests"] > 300
    assert failures == [], "\n".join(failures[:20])
