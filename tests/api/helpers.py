"""Clients of the API as a user with a token of theirs (the way a script calls it)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from legation.api.tokens import token_create


class ApiClient:
    """JSON in, JSON out, over HTTPS, with `Authorization: Bearer <token>`."""

    def __init__(self, token: str | None, **headers: Any) -> None:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        self.client = Client(**extra, **headers)

    def _call(self, method: str, path: str, data: Any = None, **headers: Any) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        call = getattr(self.client, method)
        if method in ("get", "head"):
            return call(path, data or {}, secure=True, **extra)
        return call(path, data, content_type="application/json", secure=True, **extra)

    def get(self, path: str, params: Any = None, **headers: Any) -> Any:
        return self._call("get", path, params, **headers)

    def post(self, path: str, data: Any, **headers: Any) -> Any:
        return self._call("post", path, data, **headers)

    def patch(self, path: str, data: Any, **headers: Any) -> Any:
        return self._call("patch", path, data, **headers)

    def delete(self, path: str, **headers: Any) -> Any:
        return self._call("delete", path, None, **headers)


def api_as(user: Any, scope: str = "write", **headers: Any) -> ApiClient:
    _, token = token_create(actor=user, user=user, name=f"tests {scope}", scope=scope)
    return ApiClient(token, **headers)


def every_page(api: ApiClient, path: str, params: dict[str, Any] | None = None) -> list[dict]:
    """All rows of a list, following its cursor."""
    rows, response = [], api.get(path, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows
        response = api.client.get(body["next"], secure=True)
