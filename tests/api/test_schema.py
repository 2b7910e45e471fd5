"""The API's contract: the OpenAPI schema in the repository is the one the code generates
(regenerate with the command in docs/api.md), served at /api/schema/, with the browsable docs
served from our own static files (no CDN, within the content security policy)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn",
                 stderr=StringIO())  # fmt: skip
    assert generated.read_text() == COMMITTED.read_text(), (
        "docs/api/openapi.yaml is out of date: regenerate it with "
        "`PYTHONPATH=src python3 -m legation spectacular --file docs/api/openapi.yaml`"
    )


def test_every_write_asks_for_the_version_and_every_error_is_documented():
    schema = yaml.safe_load(COMMITTED.read_text())
    assert schema["openapi"].startswith("3.1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("patch", "delete"):
                names = {p["name"] for p in operation.get("parameters", [])}
                assert "If-Match" in names, f"{method} {path}"
    assert {"token", "session"} <= set(schema["components"]["securitySchemes"])


@pytest.mark.django_db
def test_the_schema_and_the_docs_are_served_locally(officer):
    client = Client()
    assert client.get("/api/schema/", secure=True).status_code == 401
    client.force_login(officer)
    served = client.get("/api/schema/", secure=True)
    assert served.status_code == 200
    assert yaml.safe_load(served.content)["info"]["title"] == "legation API"
    docs = client.get("/api/docs/", secure=True)
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]
