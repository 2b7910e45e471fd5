"""Untrusted templates render in child processes under limits the template cannot escape.

The sandbox (``sandbox.py``) decides what a template may do; this module bounds what it may cost.
Every letter is composed and typeset in a renderer process, a fresh interpreter running
``child_main`` (``subprocess``, never a fork of the caller: nothing of the parent, no database
connection, no Django), which gets plain data (templates, contexts, layouts) and sends back plain
data. Per
letter the renderer runs under:

- CPU time: ``ITIMER_PROF`` kills the process after ``cpu_seconds`` of CPU time (the signal's
  default action; no handler is installed), and ``RLIMIT_CPU`` does the same in the kernel a second
  later as a backstop. The sandbox's trace hook stops template loops first, with the process kept;
  C code the hook never sees (``str`` of a huge nested list, a sort) is stopped by the kill;
- memory: ``RLIMIT_AS`` caps the address space at what the renderer holds once ready (fonts
  loaded, one letter typeset) plus ``memory_mb``: an allocation beyond fails (``MemoryError``), the
  renderer reports it and exits;
- wall-clock time: the parent kills a renderer that has not answered ``wall_seconds`` after it
  was given a letter (a sleep, a hang).

A stopped renderer costs only its letter: the letter gets a ``RenderStopped`` error (a
``LetterTemplateError``, so every caller shows it as it shows a template error), the letters of its
batch after it go to a new renderer. The parent reads each answer with a size cap and decodes it
as JSON (never pickle: the parent does not trust what a renderer sends), so whatever a template
builds stays in the renderer.

A ``RenderPool`` keeps renderers alive between letters (a merge sends them batches; the web
server and the command line share one pool per process, ``shared_pool``). Nothing here imports
Django; the limits come from settings through ``pools.render_limits``.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import pickle
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from legation.letters.compose.sandbox import LetterTemplateError

MAX_REPLY = 64 * 1024 * 1024  # a renderer's answer larger than this is refused unread
START_SECONDS = 120.0  # a renderer's start (imports, fonts): not a letter's time
RECYCLE_AFTER = 2000  # letters before a renderer is replaced (bounds slow growth of caches)
HOOK_SHARE = 0.75  # the sandbox's trace hook stops template code at this share of the CPU limit
CPU_BACKSTOP = 1  # RLIMIT_CPU's whole seconds after the timer
_CHILD_ENVIRONMENT = {"PATH", "HOME", "LANG", "TMPDIR", "TZ", "LEGATION_FONT_DIRS"}
_CHILD_ENVIRONMENT |= {"COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START"}  # a coverage run's
_MEMORY_EXIT = 86  # exit status of a renderer that ran out of its memory allowance
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one letter may cost in a renderer."""

    cpu_seconds: float = 2.0
    memory_mb: int = 256
    wall_seconds: float = 10.0


class RenderStopped(LetterTemplateError):
    """A renderer was stopped at a limit (or died) while rendering this letter."""

    def __init__(
        self, message: str, *, reason: str, cpu: float = 0.0, peak_kb: int = 0, start_kb: int = 0
    ) -> None:
        super().__init__(message)
        self.reason = reason  # cpu, memory, wall, crash
        self.cpu = cpu  # CPU seconds the renderer spent on the letter (its rusage, reaped)
        # The renderer's peak resident memory: its own count (VmHWM) when it could still send it
        # (a memory stop), else the kernel's ru_maxrss, which on Linux starts from the parent's
        # peak when the renderer was started (so it is only an upper bound).
        self.peak_kb = peak_kb
        self.start_kb = start_kb  # the renderer's address space once ready (its baseline)


@dataclass
class Reply:
    """One letter's answer: ``value`` (JSON data), ``blob`` (bytes) or ``stopped``."""

    value: Any = None
    blob: bytes | None = None
    error: str = ""
    stopped: RenderStopped | None = None


# -- the renderer (child) ----------------------------------------------------------------------


def _vm_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _peak_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _arm(limits: Limits) -> float:
    """Start one letter's CPU allowance: the profiling timer, then the kernel's limit."""
    used = _cpu_used()
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cap = math.ceil(used + limits.cpu_seconds) + CPU_BACKSTOP
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))
    signal.setitimer(signal.ITIMER_PROF, limits.cpu_seconds)
    return used


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)


def _send(out: Connection, header: dict[str, Any], blob: bytes | None = None) -> None:
    header["blob"] = blob is not None
    out.send_bytes(json.dumps(header, ensure_ascii=False).encode("utf-8"))
    if blob is not None:
        out.send_bytes(blob)


def child_main(read_fd: int, write_fd: int) -> None:
    """The renderer's loop: settings, then (task, items) requests, one answer per item."""
    inbox = Connection(read_fd, writable=False)
    out = Connection(write_fd, readable=False)
    for sig in (signal.SIGPROF, signal.SIGXCPU):
        signal.signal(sig, signal.SIG_DFL)
    # Ctrl-C in a terminal reaches the whole process group; the renderer ends when its parent
    # closes the pipe (EOF), not with a KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Pickles only come from the parent (which trusts itself); answers go back as JSON.
    limits, typeset = pickle.loads(inbox.recv_bytes())  # noqa: S301
    from legation.letters.compose import sandbox
    from legation.letters.render import renderer_tasks

    # The trace hook stops template loops a little before the kill, keeping the renderer.
    sandbox.configure(cpu_seconds=limits.cpu_seconds, hook_share=HOOK_SHARE)
    renderer_tasks.init(typeset=typeset)
    baseline = _vm_bytes()
    cap = baseline + limits.memory_mb * MB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    _send(out, {"ready": os.getpid(), "baseline": baseline, "cpu": _cpu_used()})
    while True:
        try:
            task, items = pickle.loads(inbox.recv_bytes())  # noqa: S301
        except EOFError:
            return
        run = renderer_tasks.TASKS[task]
        for args in items:
            used = _arm(limits)
            try:
                value, blob = run(*args)
                header: dict[str, Any] = {"value": value}
            except MemoryError:
                _disarm()
                value = blob = None
                _send(out, {"stopped": "memory", "peak_kb": _peak_kb()})
                os._exit(_MEMORY_EXIT)
            except LetterTemplateError as exc:
                header, blob = {"error": str(exc)}, None
            except RecursionError:
                header, blob = {"error": "the template is nested too deeply."}, None
            except Exception as exc:  # a renderer reports, never dies of, an ordinary error
                header, blob = {"error": f"{type(exc).__name__}: {exc}"}, None
            _disarm()
            header["cpu"] = round(_cpu_used() - used, 4)
            _send(out, header, blob)


# -- the parent's side -------------------------------------------------------------------------


class _Renderer:
    """One renderer process and its two pipes."""

    def __init__(self, limits: Limits, typeset: bool) -> None:
        self.limits = limits
        self.served = 0
        self.dead = False
        self.timed_out = False
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # Only what rendering needs: no database address, secret key or other credentials.
        env = {
            k: v for k, v in os.environ.items() if k in _CHILD_ENVIRONMENT or k.startswith("LC_")
        }
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-c", _BOOT, str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.inbox = Connection(to_child_w, readable=False)
        self.outbox = Connection(from_child_r, writable=False)
        self.inbox.send_bytes(pickle.dumps((limits, typeset)))
        header, _ = self._read(START_SECONDS)
        if header is None or "ready" not in header:
            self.kill()
            raise RuntimeError("the letter renderer could not start (see the error output).")
        self.baseline = int(header["baseline"])
        self.cpu_spent = float(header["cpu"])  # CPU time up to the current letter

    def _read(self, timeout: float) -> tuple[dict[str, Any] | None, bytes | None]:
        """One answer, or (None, None) if the renderer died, timed out or sent too much."""
        self.timed_out = False
        try:
            if not self.outbox.poll(timeout):
                self.timed_out = True
                return None, None
            header = json.loads(self.outbox.recv_bytes(MAX_REPLY))
            blob = self.outbox.recv_bytes(MAX_REPLY) if header.pop("blob", False) else None
        except (EOFError, OSError, ValueError):
            return None, None
        return header, blob

    def kill(self, grace: float = 0.0) -> tuple[int, Any]:
        """Stop the renderer (after ``grace`` seconds to exit by itself) and reap it: (exit
        status, its resource usage). Only ``wait4`` reaps it, so its usage is never lost."""
        self.dead = True
        for conn in (self.inbox, self.outbox):
            conn.close()
        if self.proc.returncode is not None:
            return self.proc.returncode, None
        status = usage = None
        if grace:
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
                if pid:
                    break
                status = None
                time.sleep(0.01)
        if status is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            _pid, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        return self.proc.returncode, usage

    def close(self) -> None:
        """Let the renderer finish: it exits when its input closes."""
        if self.dead:
            return
        self.dead = True
        self.inbox.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.outbox.close()

    def run(self, task: str, items: list[tuple[Any, ...]], labels: list[str]) -> list[Reply]:
        """Answers for ``items`` in order; stops at the first letter that stopped the renderer."""
        try:
            self.inbox.send_bytes(pickle.dumps((task, items)))
        except OSError:  # it died while idle (killed from outside): the pool starts another
            self.kill()
            return []
        replies: list[Reply] = []
        for label in labels:
            header, blob = self._read(self.limits.wall_seconds)
            if header is None or "stopped" in header:
                timed_out = self.timed_out
                status, usage = self.kill(grace=0 if timed_out else 5.0)
                peak = 0
                if header is not None and header["stopped"] == "memory":
                    status, peak = _MEMORY_EXIT, int(header.get("peak_kb", 0))
                stop = self._stopped(label, status, usage, timed_out, peak)
                replies.append(Reply(stopped=stop))
                return replies
            self.served += 1
            self.cpu_spent += float(header.get("cpu", 0.0))
            replies.append(
                Reply(value=header.get("value"), blob=blob, error=header.get("error", ""))
            )
        return replies

    def _stopped(
        self, label: str, status: int, usage: Any, timed_out: bool, peak: int
    ) -> RenderStopped:
        cpu = max(0.0, usage.ru_utime + usage.ru_stime - self.cpu_spent) if usage else 0.0
        rss = peak or (int(usage.ru_maxrss) if usage else 0)
        limits = self.limits
        if timed_out:
            reason = "wall"
            why = f"it took more than {limits.wall_seconds:g} s"
        elif status == _MEMORY_EXIT:
            reason = "memory"
            why = f"it needed more than {limits.memory_mb:,} MB of memory (a text or list too big?)"
        elif status in (-signal.SIGPROF, -signal.SIGXCPU):
            reason = "cpu"
            why = f"it took more than {limits.cpu_seconds:g} s of CPU time (a loop too big?)"
        else:
            reason = "crash"
            name = signal.Signals(-status).name if status < 0 else f"exit status {status}"
            why = f"the renderer stopped unexpectedly ({name})"
        return RenderStopped(
            f"{label}: rendering was stopped: {why}.",
            reason=reason,
            cpu=cpu,
            peak_kb=rss,
            start_kb=self.baseline // 1024,
        )


_BOOT = "import sys; from legation.letters.render.isolation import child_main; " + (
    "child_main(int(sys.argv[1]), int(sys.argv[2]))"
)


class RenderPool:
    """Up to ``size`` renderers, started on demand, shared by threads (a web server's)."""

    def __init__(self, size: int = 1, limits: Limits | None = None, typeset: bool = True) -> None:
        self.size = max(1, size)
        self.limits = limits or Limits()
        self.typeset = typeset
        # The latest stops (bounded: a web server's pool lives long).
        self.stops: deque[RenderStopped] = deque(maxlen=100)
        self._live: list[_Renderer] = []
        self._lock = threading.Lock()
        # A renderer ready for work, or None: a free place to start one. Last in, first out, so
        # a live renderer is taken before a new one is started.
        self._idle: queue.LifoQueue[_Renderer | None] = queue.LifoQueue()
        for _ in range(self.size):
            self._idle.put(None)
        self._starting: list[threading.Thread] = []

    def start(self, count: int | None = None) -> None:
        """Start up to ``count`` renderers now, in the background, and return at once.

        A merge calls this before it reads the ledger, so a renderer's start (an interpreter,
        fonts, a first letter) overlaps that work instead of following it. A renderer that
        cannot start leaves its place free: the first use starts it again and raises there."""
        self._starting = [thread for thread in self._starting if thread.is_alive()]
        for _ in range(min(count or self.size, self.size)):
            thread = threading.Thread(target=self._start_one, name="letters-start", daemon=True)
            self._starting.append(thread)
            thread.start()

    def _start_one(self) -> None:
        try:
            renderer = self._idle.get_nowait()
        except queue.Empty:  # every place is taken (busy or started): nothing to do
            return
        if renderer is None:
            try:
                renderer = _Renderer(self.limits, self.typeset)
            except BaseException:
                self._idle.put(None)
                return
            with self._lock:
                self._live.append(renderer)
        self._idle.put(renderer)

    def _checkout(self) -> _Renderer:
        renderer = self._idle.get()
        if renderer is not None:
            return renderer
        try:
            renderer = _Renderer(self.limits, self.typeset)
        except BaseException:
            self._idle.put(None)
            raise
        with self._lock:
            self._live.append(renderer)
        return renderer

    def _checkin(self, renderer: _Renderer) -> None:
        if not renderer.dead and renderer.served >= RECYCLE_AFTER:
            renderer.close()
        if renderer.dead:
            with self._lock:
                if renderer in self._live:
                    self._live.remove(renderer)
            self._idle.put(None)
        else:
            self._idle.put(renderer)

    def run(self, task: str, items: list[tuple[Any, ...]], labels: list[str]) -> list[Reply]:
        """One batch, answered in order; after a stopped letter the rest go to a new renderer."""
        replies: list[Reply] = []
        lost = 0
        while len(replies) < len(items):
            renderer = self._checkout()
            try:
                got = renderer.run(task, items[len(replies) :], labels[len(replies) :])
            except BaseException:
                renderer.kill()
                raise
            finally:
                self._checkin(renderer)
            lost = 0 if got else lost + 1
            if lost > 2:
                raise RuntimeError("the letter renderers keep stopping before reading a letter.")
            replies.extend(got)
            self.stops.extend(r.stopped for r in got if r.stopped is not None)
        return replies

    def call(self, task: str, args: tuple[Any, ...], label: str) -> Reply:
        """One item; a stop or an error is raised as a ``LetterTemplateError``."""
        reply = self.run(task, [args], [label])[0]
        if reply.stopped is not None:
            raise reply.stopped
        if reply.error:
            raise LetterTemplateError(reply.error)
        return reply

    def map(
        self,
        task: str,
        batches: Iterable[tuple[list[tuple[Any, ...]], list[str], Any]],
        done: Callable[[list[Reply], Any], None],
    ) -> None:
        """Batches ``(items, labels, tag)`` spread over the renderers (a thread drives each);
        ``done(replies, tag)`` is called in the batches' order.

        Batches are taken from ``batches`` as they are built, so the caller's work building them
        overlaps the rendering."""
        with ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="letters") as threads:
            pending: list[tuple[Any, Any]] = []
            for items, labels, tag in batches:
                pending.append((threads.submit(self.run, task, items, labels), tag))
                while pending and (pending[0][0].done() or len(pending) > 2 * self.size):
                    future, first_tag = pending.pop(0)
                    done(future.result(), first_tag)
            for future, tag in pending:
                done(future.result(), tag)

    def close(self) -> None:
        """Stop the renderers; the pool starts new ones if it is used again."""
        for thread in self._starting:  # renderers still starting are stopped with the others
            thread.join()
        self._starting = []
        with self._lock:
            renderers, self._live = list(self._live), []
        for renderer in renderers:
            renderer.close()
        self._idle = queue.LifoQueue()
        for _ in range(self.size):
            self._idle.put(None)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


_shared: dict[Limits, RenderPool] = {}
_shared_lock = threading.Lock()


def shared_pool(limits: Limits, size: int) -> RenderPool:
    """The process's pool for single letters and previews (renderers kept between requests)."""
    with _shared_lock:
        pool = _shared.get(limits)
        if pool is None:
            pool = _shared[limits] = RenderPool(size=max(1, size), limits=limits, typeset=True)
        return pool


@atexit.register
def _close_shared() -> None:
    with _shared_lock:
        pools = list(_shared.values())
        _shared.clear()
    for pool in pools:
        pool.close()


def iter_batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
