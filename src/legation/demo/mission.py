"""The demo mission: the "Republic of Demoland"'s embassy in Washington, and its tags."""

from __future__ import annotations

from legation.core.models import Mission
from legation.demo import vocabulary
from legation.demo.context import Context
from legation.people.models import Tag

DEMO_MISSION_REF = "DEMO-US"
DEMO_DOMAIN = "demoland-embassy.example"  # the staff's email addresses


def create(ctx: Context) -> None:
    """The mission row and its tags; their ids go on the context."""
    (mission,) = Mission.objects.bulk_create(
        [
            Mission(
                ref=DEMO_MISSION_REF,
                name_en="Embassy of the Republic of Demoland in the United States of America",
                name_zh="德莫兰共和国驻美利坚合众国大使馆",
                host_country="US",
                # Demoland is invented: a user-assigned ISO code, and its names on the
                # mission (letters/compose/titles.py), so no letter calls its envoy Chinese.
                sending_country="XD",
                sending_name_en="Demoland",
                sending_adjective_en="Demolandian",
                sending_name_zh="德莫兰",
                sending_state_en="the Republic of Demoland",
                sending_state_zh="德莫兰共和国",
                address="1850 Demoland Place NW\nWashington, DC 20008\nUnited States",
                page_size=Mission.PageSize.LETTER,
            )
        ]
    )
    ctx.mission_id = mission.pk
    wanted = vocabulary.mission().tags
    tags = Tag.objects.filter(mission_id=mission.pk, name__in=wanted)
    existing = set(tags.values_list("name", flat=True))
    Tag.objects.bulk_create(
        [Tag(mission_id=mission.pk, name=name) for name in wanted if name not in existing]
    )
    ctx.tag_id = dict(tags.values_list("name", "pk"))
