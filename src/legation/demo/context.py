"""What every part of the demo generator shares: the seeded random source, the day, the writer,
the mission, the geography, and small helpers.

Each entity module (``organisations``, ``people``, ``staff``, ``facts``, ``engagements``,
``commitments``) takes a ``Context`` and what the earlier ones built; ``generator.generate`` calls
them in a fixed order, so that the same seed and ``today`` draw the same numbers in the same order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils import timezone

from legation.core.models import Region, Sector
from legation.demo import vocabulary
from legation.people import names

if TYPE_CHECKING:
    from legation.demo.generator import _Writer

WINDOW_DAYS = 3 * 365  # engagements cover the three years before `today`


def next_id(model: type) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def ascii_letters(text: str) -> str:
    """Lowercase ASCII letters only, for email addresses and web domains ("O'Brien" -> "obrien")."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z]", "", bare)


def weighted_sample(
    rng: random.Random, items: list[str], weights: list[float], k: int
) -> list[str]:
    """k distinct items, each drawn with probability proportional to its weight."""
    pool, w, out = list(items), list(weights), []
    while pool and len(out) < k:
        i = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(i))
        w.pop(i)
    return out


class Context:
    def __init__(
        self,
        *,
        seed: int,
        today: dt.date,
        progress: Callable[[float, str], None],
        writer: Callable[[dt.datetime], _Writer],
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress
        self.tz = timezone.get_default_timezone()
        self.window_start = today - dt.timedelta(days=WINDOW_DAYS)
        self.w = writer(self.at(self.window_start, 9 * 60))
        self._derived_cache: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self._pinyin_cache: dict[str, str] = {}
        self.emails: set[str] = set()  # every address given so far: each is unique
        self.written: dict[str, int] = {}  # rows written, by model label
        self.mission_id = 0
        self.tag_id: dict[str, int] = {}

    # -- the geography ------------------------------------------------------------------------

    def load_geography(self) -> None:
        """The states (those in the database), their regions and the sectors' ids."""
        regions = {r.code: r for r in Region.objects.filter(country="US").order_by("code")}
        self.states = [s for s in vocabulary.states() if s.code in regions]
        sectors = {s.code: s.pk for s in Sector.objects.order_by("position", "code")}
        missing = [code for code in vocabulary.organisations().sectors if code not in sectors]
        if len(self.states) < 51 or missing:
            raise ValueError("Sectors and US regions are missing: run `legation init` first.")
        self.sector_id = sectors
        self.state = {s.code: s for s in self.states}
        self.region_id = {s.code: regions[s.code].pk for s in self.states}
        self.region_en = {s.code: regions[s.code].name_en for s in self.states}
        self.region_zh = {s.code: regions[s.code].name_zh or regions[s.code].name_en
                          for s in self.states}  # fmt: skip
        self.is_state = {s.code: regions[s.code].is_state for s in self.states}
        self.state_codes = [s.code for s in self.states]
        self.state_cum = list(itertools.accumulate(s.weight for s in self.states))
        words = vocabulary.people()
        self._zh_family_cum = list(
            itertools.accumulate(1 / (rank + 4) for rank in range(len(words.chinese_family)))
        )
        self.family_cum = list(
            itertools.accumulate(1 / (rank + 8) for rank in range(len(words.family)))
        )

    def weighted_state(self) -> str:
        return self.rng.choices(self.state_codes, cum_weights=self.state_cum)[0]

    # -- helpers ------------------------------------------------------------------------------

    def at(self, day: dt.date, minute: int) -> dt.datetime:
        """An aware local datetime (America/New_York by default) on `day` at `minute`."""
        naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        return naive.replace(tzinfo=self.tz)

    def stamp(self, days_ago: int, minute: int = 600) -> Any:
        return self.w.datetime(self.at(self.today - dt.timedelta(days=days_ago), minute))

    def derived(self, family: str, given: str, name_zh: str) -> tuple[str, str, str]:
        """Pinyin, search keys and their grams, as Person.refresh_derived computes them (names
        repeat: cached)."""
        key = (family, given, name_zh)
        out = self._derived_cache.get(key)
        if out is None:
            keys = names.search_keys(family_name=family, given_name=given, name_zh=name_zh)
            out = (names.pinyin(name_zh) if name_zh else "", keys, names.search_grams(keys))
            self._derived_cache[key] = out
        return out

    def chinese_name(self, gender: str) -> tuple[str, str, str]:
        """(family, given, characters): 王小明 -> ("Wang", "Xiaoming", "王小明")."""
        rng, words = self.rng, vocabulary.people()
        family_zh = rng.choices(words.chinese_family, cum_weights=self._zh_family_cum)[0]
        given_zh = rng.choice(
            words.chinese_given_male if gender == "m" else words.chinese_given_female
        )
        name_zh = family_zh + given_zh
        spelled = self._pinyin_cache.get(name_zh)
        if spelled is None:
            spelled = self._pinyin_cache[name_zh] = names.pinyin(name_zh)
        family, _, given = spelled.partition(" ")
        return family, given, name_zh

    def email(self, local: str, domain: str) -> str:
        """A unique address: "john.smith@x.example", else "john.smith2@x.example"…"""
        local = local.strip(".") or "contact"
        email, k = f"{local}@{domain}", 2
        while email in self.emails:
            email, k = f"{local}{k}@{domain}", k + 1
        self.emails.add(email)
        return email

    def insert(self, model: type, fields: Sequence[str], rows: list[tuple]) -> None:
        n = self.w.insert(model, fields, rows)
        label = model._meta.label
        self.written[label] = self.written.get(label, 0) + n
