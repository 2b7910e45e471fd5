"""The sandbox letter placeholders run in: read the context, call the documented filters, no more.

Jinja2's ``SandboxedEnvironment`` (3.1.6 or newer) blocks unsafe attributes, but it bounds neither
CPU time nor output size, so this module adds both:

- no attribute access at all beyond the context's own keys (the context holds only plain
  dictionaries, lists, strings and numbers), except the documented ``loop`` variables;
- no globals (``range``, ``cycler``, ``joiner``, ``namespace``, ``lipsum``, ``dict`` are gone), no
  macros, calls, imports, includes or template inheritance (refused when the template is read);
- ``*``, ``**``, ``+``, ``%`` and ``~`` refuse results above ``MAX_TEXT`` characters or huge numbers;
- rendering stops after ``cpu_seconds`` of CPU time (checked from a trace hook on the template's
  own frames, so it works in any thread) or ``max_output`` characters of output.

The trace hook only sees template code: a single operation in C (``str`` of a huge nested list)
runs on unseen. Hard limits (CPU time, memory, wall-clock time) come from running every untrusted
render in a separate process, ``isolation.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from legation.letters.compose.jinja_filters import LETTER_FILTERS, FilterError

MAX_TEXT = 100_000
MAX_INT_BITS = 4_000
CPU_SECONDS = 2.0
MAX_OUTPUT = 200_000
_configured = {"cpu_seconds": CPU_SECONDS, "hook_share": 1.0}


def configure(*, cpu_seconds: float, hook_share: float = 1.0) -> None:
    """Set this process's CPU limit (a renderer sets its own): the trace hook stops template
    code at ``hook_share`` of it, and its message names the limit."""
    _configured.update(cpu_seconds=float(cpu_seconds), hook_share=float(hook_share))


def cpu_seconds() -> float:
    return _configured["cpu_seconds"]


def hook_seconds(limit: float | None = None) -> float:
    """When the trace hook stops template code under ``limit`` (default: the process's)."""
    return (limit or _configured["cpu_seconds"]) * _configured["hook_share"]


_LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
_BUILTIN_FILTERS = [
    "upper",
    "lower",
    "title",
    "capitalize",
    "trim",
    "default",
    "d",
    "length",
    "count",
    "first",
    "last",
    "join",
    "replace",
    "round",
    "int",
    "abs",
    "list",
    "sort",
    "unique",
    "reverse",
    "truncate",
    "wordcount",
    "string",
    "min",
    "max",
    "sum",
]
_REFUSED_NODES = (
    nodes.Macro,
    nodes.CallBlock,
    nodes.Extends,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Block,
)


class LetterTemplateError(Exception):
    """A letter template cannot be read or rendered; the message says what and where."""


class RenderTimeout(Exception):
    pass


class _GuardedCodeGenerator(CodeGenerator):
    """Routes ``~`` (string concatenation) through the environment's size check."""

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


class LetterSandbox(SandboxedEnvironment):
    """A sandboxed environment with bounded sizes and only the letter filters."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _GuardedCodeGenerator

    def __init__(self, *, markdown_values: bool = False, **options: Any) -> None:
        options.setdefault("undefined", StrictUndefined)
        options.setdefault("autoescape", False)
        options.setdefault("keep_trailing_newline", True)
        options.setdefault("trim_blocks", True)
        options.setdefault("lstrip_blocks", True)
        if markdown_values:
            options["finalize"] = _markdown_literal
        super().__init__(**options)
        builtin = {name: self.filters[name] for name in _BUILTIN_FILTERS if name in self.filters}
        builtin["replace"] = _checked_replace
        builtin["join"] = _checked_join
        self.filters = {**builtin, **LETTER_FILTERS}
        self.globals = {}

    # -- attribute and operator guards ---------------------------------------------------------
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return isinstance(obj, LoopContext) and attr in _LOOP_ATTRIBUTES

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        refusal = _binop_refusal(operator, left, right)
        if refusal:
            raise SecurityError(refusal)
        return super().call_binop(context, operator, left, right)

    def checked_concat(self, parts: tuple[Any, ...]) -> str:
        texts = [str(p) for p in parts]
        if sum(map(len, texts)) > MAX_TEXT:
            raise SecurityError("this text would be too long for a letter.")
        return "".join(texts)

    # -- reading and rendering -------------------------------------------------------------------
    def from_string(self, source: str, globals: Any = None, template_class: Any = None) -> Any:
        """Compiled once per source text and process (docxtpl calls this for every letter)."""
        if globals or template_class:
            raise LetterTemplateError("letter templates take no globals")
        return _compiled(self, source)

    def check(self, source: str, what: str = "template") -> None:
        try:
            tree = self.parse(source)
            found = list(tree.find_all((*_REFUSED_NODES, nodes.Call)))
        except TemplateSyntaxError as exc:
            raise LetterTemplateError(f"{what}, line {exc.lineno}: {exc.message}") from None
        except (RecursionError, MemoryError):
            raise LetterTemplateError(f"{what}: the template is nested too deeply.") from None
        for node in found:
            if isinstance(node, nodes.Call) and _is_loop_cycle(node):
                continue
            name = type(node).__name__.lower()
            raise LetterTemplateError(
                f"{what}, line {node.lineno}: {name} is not allowed in a letter template "
                "(only placeholders, filters, if and for)."
            )

    def render_text(
        self,
        source: str,
        context: dict[str, Any],
        *,
        what: str = "template",
        cpu_seconds: float | None = None,
        max_output: int = MAX_OUTPUT,
    ) -> str:
        """Render ``source`` with the caps on; every failure is a ``LetterTemplateError``."""
        cpu_seconds = cpu_seconds or _configured["cpu_seconds"]
        try:
            template = self.from_string(source)
        except LetterTemplateError as exc:
            reason = str(exc).removeprefix("template: ").removeprefix("template, ")
            raise LetterTemplateError(f"{what}: {reason}") from None
        out: list[str] = []
        size = 0
        try:
            with cpu_limit(hook_seconds(cpu_seconds)):
                for chunk in template.generate(context):
                    size += len(chunk)
                    if size > max_output:
                        raise LetterTemplateError(
                            f"{what}: the letter is longer than {max_output:,} characters."
                        )
                    out.append(chunk)
        except RenderTimeout:
            raise LetterTemplateError(
                f"{what}: rendering took more than {cpu_seconds:g} s of CPU time (a loop too big?)."
            ) from None
        except SecurityError as exc:
            raise LetterTemplateError(f"{what}: not allowed: {exc}") from None
        except UndefinedError as exc:
            raise LetterTemplateError(f"{what}: unknown placeholder: {exc}") from None
        except FilterError as exc:
            raise LetterTemplateError(f"{what}: {exc}") from None
        except TemplateError as exc:
            raise LetterTemplateError(f"{what}: {exc}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
            raise LetterTemplateError(f"{what}: {type(exc).__name__}: {exc}") from None
        return "".join(out)


def _binop_refusal(operator: str, left: Any, right: Any) -> str:
    """Why an operation would be too big for a letter, or "" when it is fine."""
    numbers = isinstance(left, int | float) and isinstance(right, int | float)
    if operator == "%" and isinstance(left, str):
        return "'%' formatting is not available in letters; use the filters."
    if operator == "**" and numbers and (abs(right) > 64 or abs(left) > 10**15):
        return "this power is too large for a letter."
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
            if sized and len(seq) * max(count, 0) > MAX_TEXT:
                return "this repetition would be too long for a letter."
        ints = isinstance(left, int) and isinstance(right, int)
        if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            return "this number is too large for a letter."
    if operator == "+" and _size(left) + _size(right) > MAX_TEXT:
        return "this text would be too long for a letter."
    return ""


@lru_cache(maxsize=256)
def _compiled(env: LetterSandbox, source: str) -> Any:
    env.check(source)
    try:
        return SandboxedEnvironment.from_string(env, source)
    except TemplateSyntaxError as exc:
        raise LetterTemplateError(f"line {exc.lineno}: {exc.message}") from None
    except (SyntaxError, RecursionError, MemoryError):  # Python's own limits on nesting
        raise LetterTemplateError("the template is nested too deeply.") from None


def _is_loop_cycle(node: nodes.Call) -> bool:
    target = node.node
    return (
        isinstance(target, nodes.Getattr)
        and target.attr == "cycle"
        and isinstance(target.node, nodes.Name)
        and target.node.name == "loop"
    )


def _markdown_literal(value: Any) -> str:
    """Placeholder values are text, never Markdown: escape punctuation, fold line breaks."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "".join(f"\\{ch}" if ch in _MD_PUNCTUATION else ch for ch in text)


_MD_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _checked_replace(value: Any, old: Any, new: Any, count: Any = None) -> str:
    text, old, new = str(value), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if len(text) + hits * max(len(new) - len(old), 0) > MAX_TEXT:
        raise SecurityError("this replacement would be too long for a letter.")
    return text.replace(old, new) if count is None else text.replace(old, new, int(count))


def _checked_join(value: Any, separator: Any = "", attribute: Any = None) -> str:
    if attribute is not None:
        raise SecurityError("join by attribute is not available in letters.")
    items = [str(v) for v in value]
    separator = str(separator)
    if sum(map(len, items)) + len(separator) * max(len(items) - 1, 0) > MAX_TEXT:
        raise SecurityError("this text would be too long for a letter.")
    return separator.join(items)


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Raise ``RenderTimeout`` inside template code once ``seconds`` of CPU time have been used.

    A trace hook is installed for frames of compiled templates only (their code is named
    ``<template>``), and it reads the clock every 64 events, so ordinary code runs untraced.
    A trace function already installed (a coverage run's) keeps seeing every other frame: the
    hook passes those frames on to it, and puts itself back if that function reinstalls itself.
    """
    deadline = time.process_time() + seconds
    counter = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal counter
        counter += 1
        if counter & 63 == 0 and time.process_time() > deadline:
            raise RenderTimeout
        return local

    def global_(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == "<template>":
            return local
        if previous is None:
            return None
        traced = previous(frame, event, arg)
        if sys.gettrace() is not global_:  # coverage's C tracer puts itself back on a call
            sys.settrace(global_)
        return traced

    previous = sys.gettrace()
    sys.settrace(global_)
    try:
        yield
    finally:
        sys.settrace(previous)
