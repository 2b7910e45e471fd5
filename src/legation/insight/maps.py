"""Choropleth maps of the host country, server-rendered as inline SVG (no JavaScript).

Geometry: `geometry(country)` returns the view box and one SVG path per ISO 3166-2 code.
The United States ships with legation (`data/us-states.json`: us-atlas, ISC licence, Albers USA
projection). For any other host country a mission provides a GeoJSON file at
`$LEGATION_HOME/maps/<CC>.geojson` (a FeatureCollection of Polygon or MultiPolygon features
whose `iso_3166_2` property, or `code`, `ISO`, `id`, holds the region's code); it is projected
here with an equirectangular projection scaled by the cosine of the mean latitude and fitted to
the view box. Regions without geometry (the US territories) are listed beside the map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = {"US": DATA / "us-states.json"}
CODE_PROPERTIES = ("iso_3166_2", "code", "ISO", "iso", "id")
# A sequential palette (ColorBrewer "Blues", colour-blind safe); index 0 is "not visited".
PALETTE = ("#eef0f3", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


class Geometry(TypedDict):
    view_box: str
    paths: dict[str, str]
    source: str


class GeometryMissing(LookupError):
    pass


def mission_geojson_path(country: str) -> Path:
    return Path(settings.LEGATION_HOME) / "maps" / f"{country.upper()}.geojson"


def geometry(country: str) -> Geometry:
    """The map of a host country: a mission's own GeoJSON first, else the shipped one."""
    own = mission_geojson_path(country)
    if own.is_file():
        return _from_file(str(own), own.stat().st_mtime)
    shipped = SHIPPED.get(country.upper())
    if shipped is None:
        raise GeometryMissing(
            f"No map of {country}: put a GeoJSON of its regions at {own} (see docs/insight.md)."
        )
    return _shipped(str(shipped))


@lru_cache(maxsize=4)
def _shipped(path: str) -> Geometry:
    data = json.loads(Path(path).read_text())
    return {"view_box": data["viewBox"], "paths": data["paths"], "source": data.get("source", "")}


@lru_cache(maxsize=4)
def _from_file(path: str, _mtime: float) -> Geometry:
    return from_geojson(json.loads(Path(path).read_text()), source=path)


def from_geojson(
    data: dict[str, Any], *, width: float = 975, height: float = 610, source: str = ""
) -> Geometry:
    """Project a GeoJSON FeatureCollection of regions into SVG paths fitted to the view box."""
    features = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        code = next((str(props[k]) for k in CODE_PROPERTIES if props.get(k)), None)
        code = code or (str(feature["id"]) if feature.get("id") else None)
        geom = feature.get("geometry") or {}
        if code is None or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        features.append((code, polygons))
    points = [pt for _, polys in features for poly in polys for ring in poly for pt in ring]
    if not points:
        raise GeometryMissing("The GeoJSON holds no Polygon or MultiPolygon with a region code.")
    lat0 = math.radians(sum(p[1] for p in points) / len(points))
    xs = [p[0] * math.cos(lat0) for p in points]
    ys = [-p[1] for p in points]
    scale = min(width / ((max(xs) - min(xs)) or 1), height / ((max(ys) - min(ys)) or 1)) * 0.96
    ox = (width - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
    oy = (height - (max(ys) - min(ys)) * scale) / 2 - min(ys) * scale

    def ring_path(ring: Iterable[list[float]]) -> str:
        pts = [f"{p[0] * math.cos(lat0) * scale + ox:.1f},{-p[1] * scale + oy:.1f}" for p in ring]
        return "M" + "L".join(pts) + "Z"

    paths: dict[str, str] = {}
    for code, polygons in features:
        d = "".join(ring_path(ring) for poly in polygons for ring in poly)
        paths[code] = paths.get(code, "") + d
    return {"view_box": f"0 0 {width:g} {height:g}", "paths": paths, "source": source}


def breaks(maximum: int) -> list[int]:
    """Lower bounds of the five visited classes, roughly geometric from 1 to the maximum."""
    if maximum <= 5:
        return [1, 2, 3, 4, 5][: max(maximum, 1)]
    out: list[int] = []
    for i in range(5):
        value = maximum ** (i / 5)
        magnitude = 10 ** max(int(math.log10(value)), 0)
        nice = max(1, round(value / magnitude) * magnitude)
        if not out or nice > out[-1]:
            out.append(int(nice))
    return out


def colour(visits: int, bounds: list[int]) -> str:
    if visits <= 0:
        return PALETTE[0]
    level = sum(1 for b in bounds if visits >= b)
    return PALETTE[min(level, len(PALETTE) - 1)]


def choropleth(
    regions: list[dict[str, Any]],
    *,
    country: str,
    names: dict[str, str],
    title: str = "",
    with_legend: bool = True,
) -> dict[str, Any]:
    """The SVG markup of a map coloured by visits, its legend, and the regions left off it.

    `regions` are the tenure figure's region rows (code, visits, first, last); `names` maps every
    region code of the country to its display name.
    """
    geo = geometry(country)
    visits = {r["code"]: r["visits"] for r in regions}
    bounds = breaks(max(visits.values(), default=0))
    title = title or _("Regions visited")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{geo["view_box"]}" role="img" '
        f'aria-labelledby="map-title" class="choropleth" font-family="sans-serif">',
        f'<title id="map-title">{escape(title)}</title>',
    ]
    for code, d in sorted(geo["paths"].items()):
        n = visits.get(code, 0)
        label = ngettext("%(name)s: %(n)d visit", "%(name)s: %(n)d visits", n) % {
            "name": names.get(code, code),
            "n": n,
        }
        parts.append(
            f'<path d="{d}" fill="{colour(n, bounds)}" stroke="#ffffff" stroke-width="0.8" '
            f'data-region="{escape(code)}" data-visits="{n}"><title>{escape(label)}</title></path>'
        )
    parts.append("</svg>")
    legend = legend_items(bounds)
    off_map = [
        {"code": code, "name": name, "visits": visits.get(code, 0)}
        for code, name in sorted(names.items(), key=lambda kv: kv[1])
        if code not in geo["paths"]
    ]
    return {"svg": "".join(parts), "legend": legend if with_legend else [], "off_map": off_map}


def legend_items(bounds: list[int]) -> list[dict[str, str]]:
    items = [{"colour": PALETTE[0], "label": _("not visited")}]
    for i, low in enumerate(bounds):
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        if high is None:
            label = _("%(low)s or more") % {"low": low}
        elif high == low:
            label = str(low)
        else:
            label = f"{low}–{high}"
        items.append({"colour": PALETTE[min(i + 1, len(PALETTE) - 1)], "label": label})
    return items


def standalone_svg(
    regions: list[dict[str, Any]], *, country: str, names: dict[str, str], title: str
) -> str:
    """The map with its legend drawn inside the SVG (for the PDF, which has no HTML legend)."""
    geo = geometry(country)
    visits = {r["code"]: r["visits"] for r in regions}
    bounds = breaks(max(visits.values(), default=0))
    _, _, w, h = (float(v) for v in geo["view_box"].split())
    legend = legend_items(bounds)
    rows = []
    for i, item in enumerate(legend):
        y = h + 18  # one row under the map
        x = 10 + i * (w - 20) / len(legend)
        rows.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="18" height="14" fill="{item["colour"]}" '
            f'stroke="#999"/><text x="{x + 24:.0f}" y="{y + 12:.0f}" font-size="15">'
            f"{escape(item['label'])}</text>"
        )
    paths = "".join(
        f'<path d="{d}" fill="{colour(visits.get(code, 0), bounds)}" stroke="#fff" '
        f'stroke-width="0.8"/>'
        for code, d in sorted(geo["paths"].items())
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h + 44:g}" '
        f'font-family="sans-serif"><title>{escape(title)}</title>{paths}{"".join(rows)}</svg>'
    )
