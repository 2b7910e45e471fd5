"""The seeded vocabularies (sectors, regions) and lookups that accept codes or labels."""

from __future__ import annotations

import gettext

import pycountry
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from legation.core.models import Mission, Region, Sector

SECTORS: list[tuple[str, str, str]] = [
    ("executive", "Executive government", "行政部门"),
    ("legislature", "Legislature", "立法机构"),
    ("business", "Business", "工商界"),
    ("think_tank", "Think tank", "智库"),
    ("media", "Media", "媒体"),
    ("subnational", "Sub-national government", "地方政府"),
    ("academia", "Academia & schools", "学术与教育界"),
    ("civil_society", "Civil society", "民间社会"),
    ("culture_sports", "Culture & sports", "文化体育界"),
    ("public", "The public", "公众"),
]

# pycountry's Chinese catalogue misses or mistranslates a few US states.
_ZH_OVERRIDES = {
    "US-MD": "马里兰州",
    "US-MT": "蒙大拿州",
    "US-SC": "南卡罗来纳州",
    "US-WV": "西弗吉尼亚州",
    "US-DC": "哥伦比亚特区",
    "US-UM": "美国本土外小岛屿",
}
# ISO types that count as a "state" in letters ("I have visited 22 states").
_STATE_TYPES = {"State", "Province", "Prefecture", "Land", "Canton", "Region", "Autonomous region"}


def seed_sectors() -> int:
    created = 0
    for position, (code, en, zh) in enumerate(SECTORS):
        _, was_created = Sector.objects.get_or_create(
            code=code, defaults={"label_en": en, "label_zh": zh, "position": position}
        )
        created += was_created
    return created


def seed_regions(country: str = "US") -> int:
    """Load the ISO 3166-2 subdivisions of a country (top level only) with Chinese names."""
    try:
        zh = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:  # pragma: no cover - pycountry always ships zh_CN
        zh = gettext.NullTranslations()
    subdivisions = pycountry.subdivisions.get(country_code=country.upper()) or []
    existing = set(Region.objects.filter(country=country.upper()).values_list("code", flat=True))
    rows = []
    for sub in subdivisions:
        if getattr(sub, "parent_code", None) or sub.code in existing:
            continue
        name_zh = _ZH_OVERRIDES.get(sub.code) or zh.gettext(sub.name)
        if name_zh == sub.name:
            name_zh = ""
        rows.append(
            Region(
                code=sub.code,
                country=country.upper(),
                name_en=sub.name,
                name_zh=name_zh,
                kind=sub.type,
                is_state=sub.type in _STATE_TYPES,
            )
        )
    Region.objects.bulk_create(rows)
    return len(rows)


def regions_for(user: object) -> object:
    """The regions of the host countries of the user's missions: another mission's country is
    not offered (it would reveal that mission)."""
    countries = Mission.objects.visible_to(user).values("host_country")
    return Region.objects.filter(country__in=countries)


def resolve_region(value: str | Region | None, country: str = "US") -> Region | None:
    """A region from its ISO code ("US-CA"), short code ("CA") or name in either language."""
    if value is None or isinstance(value, Region):
        return value
    text = value.strip()
    if not text:
        return None
    code = text.upper()
    if "-" not in code:
        code = f"{country.upper()}-{code}"
    match = (
        Region.objects.filter(
            Q(code=code) | Q(name_en__iexact=text) | Q(name_zh=text), country=code.split("-")[0]
        ).first()
        or Region.objects.filter(Q(name_en__iexact=text) | Q(name_zh=text)).first()
    )
    if match is None:
        raise ValidationError(
            {"region": _("Unknown region '%(value)s': use an ISO 3166-2 code.") % {"value": text}}
        )
    return match


def resolve_sector(value: str | Sector | None) -> Sector | None:
    """A sector from its code or its label in either language."""
    if value is None or isinstance(value, Sector):
        return value
    text = value.strip()
    if not text:
        return None
    match = Sector.objects.filter(
        Q(code__iexact=text.replace(" ", "_").replace("-", "_"))
        | Q(label_en__iexact=text)
        | Q(label_zh=text)
    ).first()
    if match is None:
        codes = ", ".join(Sector.objects.values_list("code", flat=True))
        raise ValidationError(
            {
                "sector": _("Unknown sector '%(value)s': use one of %(codes)s.")
                % {"value": text, "codes": codes}
            }
        )
    return match
