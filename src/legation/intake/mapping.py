"""Column mappings: a file's own headers turned into legation's import columns.

A mapping is data, never code (TOML or JSON): each import column is taken from a source column,
set to a constant, filled from a template such as ``"{first_name} {last_name}"``, or chosen by the
first rule whose conditions hold. Templates know a few named filters (``ordinal``,
``region_name``…) and nothing else: no attribute access, no expressions, no file or network.
See docs/intake.md for the format.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

MAX_MAPPING_BYTES = 256 * 1024


class MappingError(Exception):
    """The mapping file is wrong; the message names the entry."""


def _ordinal(text: str) -> str:
    if not text.strip().isdigit():
        return text
    n = int(text)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _region_name(text: str, country: str = "US") -> str:
    code = text.strip().upper()
    if not code:
        return ""
    if "-" not in code:
        code = f"{country}-{code}"
    sub = pycountry.subdivisions.get(code=code)
    return sub.name if sub is not None else text


FILTERS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "strip": str.strip,
    "ordinal": _ordinal,
    "region_name": _region_name,
    "first_word": lambda s: s.split()[0] if s.split() else "",
    "initial": lambda s: f"{s.strip()[0]}." if s.strip() else "",
}

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}|]+)((?:\|[a-z_]+)*)\}")


@dataclass
class Template:
    text: str
    columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for m in _PLACEHOLDER.finditer(self.text):
            if m.group(1) is None:
                continue
            self.columns.append(m.group(1).strip())
            for name in filter(None, m.group(2).split("|")):
                if name not in FILTERS:
                    raise MappingError(
                        f"template {self.text!r}: unknown filter {name!r} "
                        f"(known: {', '.join(sorted(FILTERS))})."
                    )
        leftover = _PLACEHOLDER.sub("", self.text)
        if "{" in leftover or "}" in leftover:
            raise MappingError(f"template {self.text!r}: unbalanced braces (write {{{{ for {{).")

    def render(self, row: dict[str, str]) -> str:
        def sub(m: re.Match[str]) -> str:
            if m.group(0) in ("{{", "}}"):
                return m.group(0)[0]
            value = row.get(m.group(1).strip(), "")
            for name in filter(None, m.group(2).split("|")):
                value = FILTERS[name](value)
            return value

        return " ".join(_PLACEHOLDER.sub(sub, self.text).split(" ")).strip()


@dataclass
class Rule:
    """One way to compute a value, used when every condition of `when` holds."""

    when: dict[str, tuple[str, ...]]
    column: str | None = None
    value: str | None = None
    template: Template | None = None
    table: dict[str, str] | None = None
    default: str = ""

    def holds(self, row: dict[str, str]) -> bool:
        return all(
            row.get(col, "").strip().casefold() in wanted for col, wanted in self.when.items()
        )

    def compute(self, row: dict[str, str]) -> str:
        if self.value is not None:
            out = self.value
        elif self.template is not None:
            out = self.template.render(row)
        else:
            out = row.get(self.column or "", "")
        if self.table is not None:
            out = self.table.get(out.strip(), self.table.get("*", out))
        return out or self.default

    def columns(self) -> list[str]:
        cols = list(self.when)
        if self.column:
            cols.append(self.column)
        if self.template is not None:
            cols.extend(self.template.columns)
        return cols


_RULE_KEYS = {"when", "column", "value", "template", "map", "default"}


def _rule(spec: Any, where: str) -> Rule:
    if isinstance(spec, str):
        return Rule(when={}, column=spec)
    if not isinstance(spec, dict):
        raise MappingError(f"{where}: give a column name or a table.")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    sources = [k for k in ("column", "value", "template") if k in spec]
    if len(sources) != 1:
        raise MappingError(f"{where}: give exactly one of column, value or template.")
    when: dict[str, tuple[str, ...]] = {}
    for col, wanted in (spec.get("when") or {}).items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if not all(isinstance(v, str | int) for v in values):
            raise MappingError(f"{where}.when.{col}: give a text or a list of texts.")
        when[col] = tuple(str(v).strip().casefold() for v in values)
    table = spec.get("map")
    if table is not None and not (
        isinstance(table, dict) and all(isinstance(v, str) for v in table.values())
    ):
        raise MappingError(f"{where}.map: give a table of text to text.")
    for key in ("column", "value", "template", "default"):
        if key in spec and not isinstance(spec[key], str):
            raise MappingError(f"{where}.{key}: give a text.")
    return Rule(
        when=when,
        column=spec.get("column"),
        value=spec.get("value"),
        template=Template(spec["template"]) if "template" in spec else None,
        table=table,
        default=spec.get("default", ""),
    )


@dataclass
class Mapping:
    """Import column name -> the rules that compute it (the first that holds wins)."""

    fields: dict[str, list[Rule]]
    kind: str = ""
    passthrough: bool = True

    def source_columns(self) -> set[str]:
        return {c for rules in self.fields.values() for r in rules for c in r.columns()}

    def check(self, kind: str, targets: tuple[str, ...], header: list[str]) -> None:
        if self.kind and self.kind != kind:
            raise MappingError(f"This mapping is for {self.kind} imports, not {kind}.")
        unknown = sorted(set(self.fields) - set(targets))
        if unknown:
            raise MappingError(
                f"The mapping sets {', '.join(unknown)}, which {kind} imports do not have "
                f"(columns: {', '.join(targets)})."
            )
        missing = sorted(self.source_columns() - set(header))
        if missing:
            raise MappingError(
                f"The mapping uses column(s) {', '.join(missing)}, which the file does not have "
                f"(its columns: {', '.join(header)})."
            )

    def apply(self, row: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The row in import columns, and for each import column the source column it came from."""
        out: dict[str, str] = {}
        origin: dict[str, str] = {}
        if self.passthrough:
            for name, value in row.items():
                out[name] = value
                origin[name] = name
        for target, rules in self.fields.items():
            for rule in rules:
                if rule.holds(row):
                    out[target] = rule.compute(row).strip()
                    origin[target] = rule.column or (
                        rule.template.columns[0]
                        if rule.template and rule.template.columns
                        else target
                    )
                    break
            else:
                out[target] = ""
                origin[target] = target
        return out, origin


def parse_mapping(data: dict[str, Any]) -> Mapping:
    if not isinstance(data, dict):
        raise MappingError("A mapping is a table (TOML) or an object (JSON).")
    unknown = set(data) - {"kind", "fields", "passthrough", "description"}
    if unknown:
        raise MappingError(f"Unknown top-level key(s): {', '.join(sorted(unknown))}.")
    fields_spec = data.get("fields")
    if not isinstance(fields_spec, dict) or not fields_spec:
        raise MappingError("The mapping needs a [fields] table: import column = source.")
    fields: dict[str, list[Rule]] = {}
    for target, spec in fields_spec.items():
        where = f"fields.{target}"
        if isinstance(spec, dict) and "rules" in spec:
            if set(spec) != {"rules"} or not isinstance(spec["rules"], list) or not spec["rules"]:
                raise MappingError(f"{where}: rules is a non-empty list, alone in its table.")
            fields[target] = [_rule(r, f"{where}.rules[{i}]") for i, r in enumerate(spec["rules"])]
        else:
            fields[target] = [_rule(spec, where)]
    kind = data.get("kind", "")
    if not isinstance(kind, str):
        raise MappingError("kind: give a text.")
    return Mapping(fields=fields, kind=kind, passthrough=bool(data.get("passthrough", True)))


def load_mapping(path: str | Path) -> Mapping:
    """Read a TOML or JSON mapping file (by its suffix; TOML otherwise)."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"{path}: no such mapping file.")
    raw = path.read_bytes()[: MAX_MAPPING_BYTES + 1]
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(f"{path.name}: a mapping file is at most {MAX_MAPPING_BYTES} bytes.")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path.name}: {exc}") from None
    return parse_mapping(data)
