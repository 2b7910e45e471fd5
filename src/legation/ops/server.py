"""legation's web server: gunicorn's master, worker processes of threads, and the job worker.

``legation serve`` (and ``legation demo``) runs in one command:

- the gunicorn master (this process), which forks ``workers`` processes (default: one per core
  this process may use) and starts them again if they die; each worker answers with ``threads``
  threads (gunicorn's gthread worker);
- the background job worker (``legation worker``) as a child of the master, watched by
  ``legation.letters.merge.jobs.WorkerSupervisor`` and started again if it stops.

The application is loaded in each worker after the fork (no preload), and the master closes its
database connections before forking, so no two processes share a connection.

Stopping: SIGTERM stops gracefully (requests in progress finish, up to ``GRACEFUL_TIMEOUT``),
SIGINT (Ctrl+C) at once; either way the master stops its workers and then the job worker before
it exits. Workers also leave by themselves when the master disappears, and the job worker is sent
SIGTERM by the kernel when the master dies (PR_SET_PDEATHSIG).

Forwarded headers: gunicorn trusts no one (``forwarded_allow_ips`` empty, no secure scheme
headers), so ``wsgi.url_scheme`` is always the socket's own scheme. Whether X-Forwarded-Proto and
X-Forwarded-For are believed is decided in one place, ``legation.core.middleware.
TrustedProxyMiddleware``, from LEGATION_TRUSTED_PROXIES. (Gunicorn's own default trusts
127.0.0.1: any local process could claim HTTPS.)
"""

from __future__ import annotations

import os
import socket
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

# Worker processes per core, and threads per process. The work of a page is Python (the GIL lets
# one thread of a process run at a time), so threads of one process fight over it: on 2 cores with
# 8 users at the large size, 2 processes of 4 threads answered the engagements list at 36 req/s
# with a p95 of 386 ms, 2 processes of 1 thread at 53 req/s and 225 ms, 4 of 1 at 47 req/s and
# 255 ms (docs/web.md). Two single-threaded processes per core: nearly the best throughput, and
# one slow request (a cold handover brief, an export) holds a quarter of the capacity, not half.
# Idle keep-alive connections wait in gthread's poller, not in a thread.
PROCESSES_PER_CORE = 2
DEFAULT_THREADS = 1
GRACEFUL_TIMEOUT = 20  # seconds a SIGTERM lets requests in progress finish
# Who, when, what, the answer, its size, how long (ms), the worker process that answered (<pid>)
# and the browser. The address is the client's as TrustedProxyMiddleware found it (behind a
# trusted proxy: the address the proxy forwarded). The path without its query string: searches
# and filters carry people's names (?q=…), which have no place in a log.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %(p)s "%(a)s"'


def cpu_count() -> int:
    """The cores this process may use (its CPU affinity), as os.process_cpu_count() in 3.13."""
    if hasattr(os, "process_cpu_count"):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def default_workers() -> int:
    return PROCESSES_PER_CORE * cpu_count()


def _post_fork(server: Any, worker: Any) -> None:
    """In each new worker: nothing of the master's database or audit state is used."""
    from django.db import connections

    from legation.core import audit

    for conn in connections.all(initialized_only=True):
        # A connection opened before the fork belongs to the master: forget it without closing
        # it (closing would end the master's session too). serve() closes them before forking.
        conn.connection = None
    # The master runs inside `legation serve`'s audit context; a request must never join it.
    audit._current.set(None)


#: The collector's thresholds in a worker (Python's: 700, 10, 10). A page or an API answer
#: builds thousands of short-lived containers at once (50 rows with their lists); at 700 the
#: collector ran ten times a request and a full pass every few requests. In process, 100
#: requests each (mean / p95 ms): the API's people list 27.9 / 56 -> 22.5 / 25, the
#: engagements page 18.7 / 22 -> 16.6 / 23; 7,000 and 50,000 fell between.
GC_THRESHOLDS = (20_000, 20, 20)


def settle_heap() -> None:
    """In each worker, once the application is loaded: load what every request would load
    lazily (the URL patterns and the views behind them, pypinyin's dictionaries), then move every
    object alive into the collector's permanent generation (`gc.freeze`).

    Those ~350,000 objects (Django, the views' modules, pypinyin's phrase tables) live as long as
    the process, yet each full collection walked them all: 100-190 ms, several times a minute
    under load, landing on whichever request was running (the tail of every page's p95). Frozen,
    a full collection walks only what requests leave behind (in process, the engagements list's
    p95 over 100 requests: 33 -> 24 ms; no full collection of 100 ms or more was seen after).
    Then the collector runs less often (`GC_THRESHOLDS`)."""
    import gc

    from django.urls import get_resolver
    from pypinyin import lazy_pinyin

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    lazy_pinyin("王芳")
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class _Logger(glogging.Logger):
    """Gunicorn's error and access logs, in JSON with LEGATION_LOG_FORMAT=json (one object per
    line, as legation's own: a log collector or jq reads every line of the server alike)."""

    def _set_handler(self, log: Any, output: Any, fmt: Any, stream: Any = None) -> None:
        from django.conf import settings

        if getattr(settings, "LOG_FORMAT", "text") == "json":
            from legation.core.logs import JsonFormatter

            json_format = settings.LOGGING["formatters"]["json"]
            fmt = JsonFormatter(**{k: v for k, v in json_format.items() if k != "()"})
        super()._set_handler(log, output, fmt, stream)


class _Master(Arbiter):
    """Gunicorn's master, which also stops the job worker as soon as it is told to stop (the
    supervisor would otherwise start again a worker the same Ctrl+C or SIGTERM had stopped)."""

    supervisor: Any = None

    def halt(self, reason: str | None = None, exit_status: int = 0) -> None:
        if self.supervisor is not None:
            self.supervisor.begin_stop()
        super().halt(reason, exit_status)


class LegationServer(BaseApplication):
    """Gunicorn configured in code (no gunicorn.conf.py, GUNICORN_CMD_ARGS or control socket)."""

    def __init__(
        self, host: str, port: int, workers: int, threads: int, supervisor: Any = None
    ) -> None:
        self.supervisor = supervisor
        self.options = {
            "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "preload_app": False,
            "post_fork": _post_fork,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "proxy_protocol": False,
            "accesslog": "-",
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "loglevel": "info",
            "logger_class": _Logger,
            "proc_name": "legation",
            "control_socket_disable": True,  # one per user by default: two servers would clash
        }
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from legation.wsgi import application

        settle_heap()
        return application

    def run(self) -> None:
        master = _Master(self)
        master.supervisor = self.supervisor
        master.run()


def check_port(host: str, port: int) -> None:
    """Raise OSError at once when the address cannot be bound (gunicorn would retry for 5 s)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        probe.bind((host, port))


def run(host: str, port: int, workers: int, threads: int, job_worker: bool = True) -> None:
    """Serve until stopped by a signal; the job worker, if any, is stopped before returning."""
    from django.db import connections

    from legation.letters.merge.jobs import WorkerSupervisor

    check_port(host, port)
    connections.close_all()  # nothing the workers could inherit
    supervisor = WorkerSupervisor() if job_worker else None  # restarts the worker if it stops
    try:
        LegationServer(host, port, workers, threads, supervisor).run()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    finally:
        if supervisor is not None:
            supervisor.stop()
