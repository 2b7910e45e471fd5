"""A load generator for `legation serve`, run in its own process: N simulated users at once.

    python3 -m bench.load --base http://127.0.0.1:PORT --username U --password-stdin \\
        --clients 1,4,8,16 --samples 200 --probe /healthz /people/ /engagements/ …

Each simulated user logs in through the login page with its own session (GET the form, POST the
password) and keeps one HTTP/1.1 keep-alive connection (`http.client`, the lightest client in the
standard library: the generator's own CPU is part of the measurement). Logins happen once, before
any clock starts; a run at N clients uses the first N sessions.

For every URL and every client count, the N users request that URL in a closed loop (the next
request as soon as the answer is read) until `--samples` answers are in, or `--max-seconds` have
passed (the number of samples is reported). One request per user first, not counted (warm-up).
While the N users run, one more user (`--probe`, e.g. /healthz) asks its URL every
`--probe-interval` seconds: its latency is the health check under the same load.

Reported as JSON on standard output, one object per run: latency percentiles (p50, p95, p99,
max; milliseconds), requests per second over the run's wall time, the answers that were not 200,
and the generator's CPU share: user + system seconds of this process (resource.getrusage)
divided by wall time × cores. Near 1.0 (or near 1/cores for one busy thread, since the GIL lets
only one thread run Python) the generator, not the server, was the bottleneck.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import resource
import statistics
import sys
import threading
import time
import urllib.parse


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    if not samples:
        return float("nan")
    data = sorted(samples)
    k = (len(data) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (k - lo)


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50": percentile(samples, 50),
        "p95": percentile(samples, 95),
        "p99": percentile(samples, 99),
        "max": max(samples) if samples else float("nan"),
        "mean": statistics.fmean(samples) if samples else float("nan"),
    }


class Client:
    """One simulated user: a session cookie and a keep-alive connection."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.conn

    def _keep_cookies(self, resp: http.client.HTTPResponse) -> None:
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.HTTPException, ConnectionError, TimeoutError, OSError):
                # The server closed the kept-alive connection (a worker recycled, a timeout):
                # once more on a fresh one.
                conn.close()
                self.conn = None
                self.reconnects += 1
                if attempt == 2:
                    raise
                continue
            if resp.getheader("Connection", "").lower() == "close" or resp.will_close:
                conn.close()
                self.conn = None
            self._keep_cookies(resp)
            return resp.status, data, resp
        raise AssertionError("unreachable")

    def login(self, username: str, password: str) -> None:
        status, body, _ = self.request("GET", "/accounts/login/")
        if status != 200:
            raise RuntimeError(f"login page: HTTP {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if token is None:
            raise RuntimeError("login page without a CSRF token")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": token.group(1).decode(),
                "next": "/",
            }
        )
        status, _, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/accounts/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: HTTP {status}")

    def get(self, path: str) -> tuple[int, float]:
        start = time.perf_counter()
        status, _, _ = self.request("GET", path)
        return status, (time.perf_counter() - start) * 1000


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(
    clients: list[Client],
    path: str,
    samples: int,
    max_seconds: float,
    probe: Client | None = None,
    probe_path: str = "/healthz",
    probe_interval: float = 0.02,
) -> dict:
    """The clients request `path` in a closed loop until `samples` answers or `max_seconds`."""
    for c in clients:  # warm-up, not counted
        c.get(path)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    issued = 0
    stop = threading.Event()
    deadline = time.perf_counter() + max_seconds

    def worker(client: Client) -> None:
        nonlocal issued
        while not stop.is_set():
            with lock:
                if issued >= samples or time.perf_counter() > deadline:
                    return
                issued += 1
            try:
                status, ms = client.get(path)
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(ms)

    probe_ms: list[float] = []

    def prober() -> None:
        while not stop.is_set():
            try:
                status, ms = probe.get(probe_path)
                if status == 200:
                    probe_ms.append(ms)
            except Exception:  # noqa: S110  (a failed probe is a missing sample)
                pass
            stop.wait(probe_interval)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    probe_thread = threading.Thread(target=prober, daemon=True) if probe else None
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    if probe_thread:
        probe_thread.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall0
    cpu = _cpu_seconds() - cpu0
    stop.set()
    if probe_thread:
        probe_thread.join()
    cores = os.cpu_count() or 1
    answered = sum(statuses.values())
    return {
        "path": path,
        "clients": len(clients),
        "wall_s": wall,
        "requests": answered,
        "rps": answered / wall if wall else 0.0,
        "latency_ms": summary(latencies),
        "status": {str(k): v for k, v in sorted(statuses.items())},
        "not_ok": answered - statuses.get(200, 0) + len(errors),
        "errors": errors[:5],
        "probe": {"path": probe_path, **summary(probe_ms)} if probe else None,
        "generator_cpu": {"seconds": cpu, "cores": cores, "share": cpu / (wall * cores)},
        "loadavg": os.getloadavg()[0],
        "reconnects": sum(c.reconnects for c in clients),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", help="paths to request, e.g. /people/")
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-stdin", action="store_true", help="read the password first")
    parser.add_argument("--password", default="", help="(prefer --password-stdin)")
    parser.add_argument("--clients", default="8", help="client counts, comma-separated")
    parser.add_argument("--samples", type=int, default=200, help="answers per run")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="longest run")
    parser.add_argument("--probe", default="", help="a path asked beside each run (/healthz)")
    parser.add_argument("--probe-interval", type=float, default=0.02)
    args = parser.parse_args(argv)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else args.password
    levels = [int(n) for n in args.clients.split(",")]
    sessions = []
    for _ in range(max(levels)):
        client = Client(args.base)
        client.login(args.username, password)
        sessions.append(client)
    probe = None
    if args.probe:
        probe = Client(args.base)
        probe.login(args.username, password)
    for path in args.urls:
        for n in levels:
            result = run_one(
                sessions[:n],
                path,
                args.samples,
                args.max_seconds,
                probe=probe,
                probe_path=args.probe or "/healthz",
                probe_interval=args.probe_interval,
            )
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
