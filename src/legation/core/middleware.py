"""Every web request runs inside an audit context: changes are attributed to the logged-in user."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from legation.core.audit import audit


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        with audit(
            actor_getter=lambda: getattr(request, "user", None),
            source=source,
            remote_addr=request.META.get("REMOTE_ADDR"),
            description=f"{request.method} {request.path}"[:300],
        ):
            return self.get_response(request)


_FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
)


def trusted_networks(values: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(v, strict=False) for v in values]


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address an X-Forwarded-For entry (or REMOTE_ADDR) names, without the port some
    proxies add ("203.0.113.11:5555", "[2001:db8::1]:443"); None for anything else."""
    value = value.strip()
    if value.startswith("["):  # an IPv6 address in brackets, with a port or not
        value, bracket, port = value[1:].partition("]")
        if not bracket or (port and not (port[:1] == ":" and port[1:].isdigit())):
            return None
    elif value.count(":") == 1:  # an IPv4 address and its port (IPv6 has two colons or more)
        value, _, port = value.partition(":")
        if not port.isdigit():
            return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Believe X-Forwarded-For and X-Forwarded-Proto only from settings.TRUSTED_PROXIES.

    From a trusted proxy, the client's address (REMOTE_ADDR: audit, security events, login
    lockout) is the right-most X-Forwarded-For entry that is not itself a trusted proxy (its port,
    if the proxy added one, left out): a client can prepend anything, but not what the proxy
    appended. So is the scheme: the right-most X-Forwarded-Proto value. From any other peer the forwarding
    headers are dropped, so a client cannot claim HTTPS or another address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.networks = trusted_networks(getattr(settings, "TRUSTED_PROXIES", []))

    def trusted(self, address: Any) -> bool:
        return address is not None and any(address in n for n in self.networks)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if not self.trusted(_address(meta.get("REMOTE_ADDR", ""))):
            for header in _FORWARDED:
                meta.pop(header, None)
            return self.get_response(request)
        # A scheme the client sent may come first; the one the trusted proxy added is the last
        # (Django's SECURE_PROXY_SSL_HEADER would read the first).
        if proto := meta.get("HTTP_X_FORWARDED_PROTO"):
            meta["HTTP_X_FORWARDED_PROTO"] = proto.rsplit(",", 1)[-1].strip()
        chain = [_address(a) for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(chain):
            if address is None:
                break  # garbage: keep the proxy's own address
            if not self.trusted(address):
                meta["LEGATION_PROXY_ADDR"] = meta.get("REMOTE_ADDR")
                meta["REMOTE_ADDR"] = str(address)
                break
        return self.get_response(request)
