"""Reports: the figures of a page as JSON, CSV, HTML or PDF, from the same functions.

`build(kind, …)` returns the data a page shows, as plain JSON-compatible values; the pages render
it, the `legation report` command writes it, so a figure in a report is the figure on the page.
`presentation(kind, data)` adds what is drawn (the map and the charts) for HTML and PDF.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from legation.core.fonts import font_dirs
from legation.core.models import Region
from legation.core.spreadsheets import safe_cell
from legation.engagements.models import Posting
from legation.insight import charts, maps
from legation.insight.common import iso
from legation.insight.coverage import coverage
from legation.insight.handover import handover_brief
from legation.insight.strength import quiet_relationships
from legation.insight.tenure import tenure

KINDS = ("tenure", "coverage", "quiet", "handover")
FORMATS = ("html", "pdf", "json", "csv")
TYPST_LAYOUT = Path(__file__).resolve().parent / "typst" / "handover.typ"


class ReportError(Exception):
    """A report cannot be made as asked (a message for the user)."""


def who(person: Any) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "id": person.pk,
        "name": str(person),
        "name_zh": person.name_zh,
        "title": person.title,
        "office": person.office,
    }


def _strength_row(r: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in r.items() if k != "person"}, "person": who(r["person"])}


def _quiet_row(q: dict[str, Any]) -> dict[str, Any]:
    return {
        "person": who(q["person"]),
        "engagements": q["engagements"],
        "last": iso(q["last"]),
        "days_quiet": q["days_quiet"],
        "rhythm_days": q.get("rhythm_days"),
        "threshold_days": q.get("threshold_days"),
        "standing": q.get("standing"),
        "score": q.get("score"),
        "reason": q.get("reason", ""),
    }


def build(
    kind: str,
    *,
    user: Any,
    posting: Posting | None,
    as_of: dt.date | None = None,
    start: dt.date | None = None,
) -> dict[str, Any]:
    """The figures of one report, as plain values (what the page shows and JSON holds)."""
    as_of = as_of or timezone.localdate()
    if kind in ("tenure", "handover") and posting is None:
        raise ReportError(_("Choose a posting: no current head of mission was found."))
    if kind == "tenure":
        return {"kind": kind, **tenure(posting, user=user, as_of=as_of)}
    if kind == "coverage":
        return {"kind": kind, **coverage(user, posting=posting, start=start, end=as_of)}
    if kind == "quiet":
        rows = quiet_relationships(user, as_of=as_of, posting=posting, limit=50)
        return {
            "kind": kind,
            "posting": posting.ref if posting else None,
            "as_of": as_of.isoformat(),
            "quiet": [_quiet_row(q) for q in rows],
        }
    if kind == "handover":
        brief = handover_brief(posting, user=user, as_of=as_of, start=start)
        return {
            "kind": kind,
            **brief,
            "relationships": [_strength_row(r) for r in brief["relationships"]],
            "quiet": [_quiet_row(q) for q in brief["quiet"]],
        }
    raise ReportError(f"Unknown report {kind!r}: use one of {', '.join(KINDS)}.")


def region_names(country: str) -> dict[str, str]:
    zh = (get_language() or "").startswith("zh")
    return {
        code: (name_zh if zh and name_zh else name_en)
        for code, name_en, name_zh in Region.objects.filter(country=country).values_list(
            "code", "name_en", "name_zh"
        )
    }


def _label(item: dict[str, Any]) -> str:
    zh = (get_language() or "").startswith("zh")
    return item.get("label_zh") if zh and item.get("label_zh") else item.get("label_en", "")


def presentation(data: dict[str, Any], country: str = "US") -> dict[str, Any]:
    """The drawn parts of a report: the map and the charts (SVG markup)."""
    figures = data.get("tenure", data)
    out: dict[str, Any] = {}
    if "regions" in figures and "engagements_by_month" in figures:
        try:
            out["map"] = maps.choropleth(
                figures["regions"], country=country, names=region_names(country)
            )
        except maps.GeometryMissing as exc:
            out["map_missing"] = str(exc)
        months = [(m["month"], m["engagements"]) for m in figures["engagements_by_month"]]
        out["chart_months"] = charts.columns(
            months,
            title=_("Engagements by month"),
            width=1100,
            height=220,
            every=max(1, len(months) // 12 + (1 if len(months) > 12 else 0)),
        )
        out["chart_sectors"] = charts.bars(
            [(_label(s), s["engagements"]) for s in figures["sectors"]],
            title=_("Engagements by sector"),
        )
        out["chart_kinds"] = charts.bars(
            [(k["label"], k["engagements"]) for k in figures["kinds"]],
            title=_("Engagements by kind"),
        )
    if data.get("kind") == "coverage":
        out["heat"] = heat_rows(data)
    return out


def heat_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The coverage matrix as table rows, each cell with a heat level 0–5 (log scale)."""
    import math

    peak = max(data["max_cell"], 1)
    gaps = {(g["region"], g["sector"]): g["kind"] for g in data["gaps"]}
    zh = _zh()
    rows = []
    for region in data["regions"]:
        counts = data["cells"].get(region["code"], {})
        cells = []
        for sector in data["sectors"]:
            n = counts.get(sector["code"], 0)
            level = 0 if n == 0 else 1 + min(4, int(4 * math.log1p(n) / math.log1p(peak)))
            cells.append(
                {"n": n, "level": level, "gap": gaps.get((region["code"], sector["code"]), "")}
            )
        name = region["name_zh"] if zh and region["name_zh"] else region["name_en"]
        rows.append(
            {
                "code": region["code"],
                "name": name,
                "cells": cells,
                "total": data["row_totals"][region["code"]],
            }
        )
    return rows


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def to_csv(data: dict[str, Any]) -> bytes:
    """One table per report, formulas neutralised (`legation.core.spreadsheets`)."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def w(*cells: Any) -> None:
        writer.writerow([safe_cell(c) for c in cells])

    kind = data["kind"]
    if kind == "tenure":
        w("figure", "key", "value")
        for key in ("days_in_post", "engagements", "people_met", "organisations_met"):
            w(key, "", data[key])
        w("states_visited", "", data["states_visited"])
        for k in data["kinds"]:
            w("engagements_by_kind", k["code"], k["engagements"])
        for m in data["engagements_by_month"]:
            w("engagements_by_month", m["month"], m["engagements"])
        for s in data["sectors"]:
            w("sector", s["code"], s["engagements"])
        for r in data["regions"]:
            w("region_visits", r["code"], r["visits"])
        for key, value in data["commitments"].items():
            w("commitments", key, value)
        mail = data["correspondence"]
        for key in ("letters_sent", "letters_received", "emails"):
            w("correspondence", key, mail[key])
        for m in mail["by_month"]:
            for key in ("letters_sent", "letters_received", "emails"):
                w(f"correspondence_{key}_by_month", m["month"], m[key])
    elif kind == "coverage":
        codes = [s["code"] for s in data["sectors"]]
        w("region", *codes, "total")
        for r in data["regions"]:
            row = data["cells"].get(r["code"], {})
            w(r["code"], *[row.get(c, 0) for c in codes], data["row_totals"][r["code"]])
    elif kind == "quiet":
        w("person_id", "name", "engagements", "last", "days_quiet", "rhythm_days")
        for q in data["quiet"]:
            p = q["person"]
            w(p["id"], p["name"], q["engagements"], q["last"], q["days_quiet"], q["rhythm_days"])
    else:
        w("rank", "person_id", "name", "score", "last_conversation", "holders", "risk")
        for i, r in enumerate(data["relationships"], 1):
            last = (r.get("last_conversation") or {}).get("date")
            holders = "; ".join(f"{h['person']} ({h['engagements']})" for h in r["holders"])
            w(i, r["person"]["id"], r["person"]["name"], r["score"], last, holders,
              r["handover_risk"])  # fmt: skip
    return ("\ufeff" + buf.getvalue()).encode()


def stylesheet() -> str:
    parts = []
    for name in ("ui/legation.css", "insight/insight.css"):
        path = finders.find(name)
        if path:
            parts.append(Path(path).read_text())
    return "\n".join(parts)


def to_html(data: dict[str, Any], *, country: str = "US", request: Any = None) -> str:
    """A self-contained HTML file (styles inline) of the same sections the page shows."""
    return render_to_string(
        "insight/report.html",
        {"data": data, "kind": data["kind"], "styles": stylesheet(), **presentation(data, country)},
        request=request,
    )


_typst_lock = threading.Lock()


def to_pdf(data: dict[str, Any], *, country: str = "US") -> bytes:
    """A PDF set by Typst: data as JSON through sys_inputs, the map as an SVG file."""
    import typst

    figures = data.get("tenure", data)
    with tempfile.TemporaryDirectory(prefix="legation-report-") as tmp:
        root = Path(tmp)
        layout = root / "report.typ"
        layout.write_text(TYPST_LAYOUT.read_text())
        payload = {"data": data, "labels": typst_labels(), "zh": _zh()}
        if "regions" in figures and "engagements_by_month" in figures:
            try:
                svg = maps.standalone_svg(
                    figures["regions"],
                    country=country,
                    names=region_names(country),
                    title=_("Regions visited"),
                )
                (root / "map.svg").write_text(svg)
                payload["map"] = "map.svg"
            except maps.GeometryMissing:
                pass
            months = [(m["month"], m["engagements"]) for m in figures["engagements_by_month"]]
            (root / "months.svg").write_text(
                charts.columns(months, title=_("Engagements by month"), every=3)
            )
            payload["months"] = "months.svg"
        with _typst_lock:
            try:
                pdf = typst.compile(
                    str(layout),
                    root=str(root),
                    font_paths=font_dirs(),
                    sys_inputs={"data": json.dumps(payload, ensure_ascii=False, default=str)},
                )
            except typst.TypstError as exc:
                raise ReportError(f"Typst could not set the report: {exc.message}") from None
    assert isinstance(pdf, bytes)
    return pdf


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def typst_labels() -> dict[str, str]:
    """Every heading and label of the PDF, translated in Python (Typst sets them as text)."""
    return {
        "handover": _("Handover brief"),
        "tenure": _("Tenure report"),
        "coverage": _("Coverage"),
        "quiet": _("Quiet relationships"),
        "as_of": _("as of"),
        "summary": _("The tenure in figures"),
        "days_in_post": _("days in post"),
        "engagements": _("engagements"),
        "people_met": _("people met"),
        "organisations_met": _("organisations met"),
        "states_visited": _("states visited"),
        "sectors_engaged": _("sectors engaged"),
        "commitments_open": _("commitments still open"),
        "commitments_solved": _("commitments solved"),
        "map": _("Regions visited, coloured by visits"),
        "months": _("Engagements by month"),
        "relationships": _("Relationships ranked by strength"),
        "person": _("Person"),
        "score": _("Score"),
        "last": _("Last conversation"),
        "held_by": _("Held by"),
        "risk": _("handover risk: nobody else in post knows them"),
        "commitments": _("Open commitments"),
        "due": _("Due"),
        "owner": _("Owner"),
        "what": _("What"),
        "overdue": _("overdue"),
        "of_total": _("shown of"),
        "gaps": _("Regions and sectors left thin"),
        "upcoming": _("Coming up"),
        "years": _("years"),
        "reason": _("Why"),
        "none": _("None."),
        "region": _("Region"),
        "visits": _("Visits"),
        "first": _("First"),
        "last_visit": _("Last"),
        "correspondence": _("Correspondence"),
        "correspondence_note": _(
            "Letters and emails are counted here, apart from the engagements: a letter sent to "
            "many people is not a meeting, and its recipients are not people met."
        ),
        "month": _("Month"),
        "letters_sent": _("Letters sent"),
        "letters_received": _("Letters received"),
        "emails": _("Emails"),
    }
