"""Refs unique per mission, and tags that belong to a mission.

Refs were unique across the database; they become unique per mission (existing refs, being
unique everywhere, stay as they are). Each tag gets the mission of the records that use it; a
tag used by several missions is copied, one per mission, and those missions' records move to
their copy. A tag used by no record goes to every mission. Each change is written in the tags'
history (source "system").
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from legation.core.migration_ops import KeepingTriggers

REASON = "tags per mission"


def tags_per_mission(apps, schema_editor):
    Mission = apps.get_model("engagements", "Mission")
    Tag = apps.get_model("people", "Tag")
    HistoricalTag = apps.get_model("people", "HistoricalTag")
    links = [
        (apps.get_model("people", "Person").tags.through, "person"),
        (apps.get_model("people", "Organisation").tags.through, "organisation"),
        (apps.get_model("engagements", "Engagement").tags.through, "engagement"),
    ]
    used = defaultdict(set)
    for through, owner in links:
        for tag_id, mission_id in through.objects.values_list(
            "tag_id", f"{owner}__mission_id"
        ).distinct():
            used[tag_id].add(mission_id)
    every = list(Mission.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()

    def remember(tag, kind):
        HistoricalTag.objects.create(
            id=tag.pk,
            name=tag.name,
            mission_id=tag.mission_id,
            history_date=now,
            history_type=kind,
            history_change_reason=REASON,
            source="system",
        )

    for tag in Tag.objects.filter(mission__isnull=True).order_by("pk"):
        missions = sorted(used.get(tag.pk) or every)
        if not missions:  # no mission at all, so no record uses it
            remember(tag, "-")
            tag.delete()
            continue
        tag.mission_id = missions[0]
        tag.save(update_fields=["mission"])
        remember(tag, "~")
        for mission_id in missions[1:]:
            copy = Tag.objects.create(mission_id=mission_id, name=tag.name)
            remember(copy, "+")
            for through, owner in links:
                through.objects.filter(
                    tag_id=tag.pk, **{f"{owner}__mission_id": mission_id}
                ).update(tag_id=copy.pk)
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: PostgreSQL alters no table with pending checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("engagements", "0005_refs_per_mission"),
        ("people", "0002_relationship_from_person_to_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltag",
            name="mission",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="engagements.mission",
            ),
        ),
        migrations.AddField(
            model_name="tag",
            name="mission",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tags",
                to="engagements.mission",
            ),
        ),
        # A tag's name stops being unique before the copies are made.
        KeepingTriggers(
            tables=["people_tag"],
            operations=[
                migrations.AlterField(
                    model_name="historicaltag",
                    name="name",
                    field=models.CharField(max_length=60, verbose_name="name"),
                ),
                migrations.AlterField(
                    model_name="tag",
                    name="name",
                    field=models.CharField(max_length=60, verbose_name="name"),
                ),
            ],
        ),
        migrations.RunPython(tags_per_mission, migrations.RunPython.noop),
        KeepingTriggers(
            tables=["people_person", "people_organisation", "people_tag"],
            operations=[
                migrations.AlterField(
                    model_name="tag",
                    name="mission",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tags",
                        to="engagements.mission",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalorganisation",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalperson",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="organisation",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="organisation",
                    constraint=models.UniqueConstraint(
                        fields=("mission", "ref"),
                        name="organisation_ref_per_mission",
                        violation_error_code="ref_taken",
                        violation_error_message="This ref is already taken; choose another.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="person",
                    constraint=models.UniqueConstraint(
                        fields=("mission", "ref"),
                        name="person_ref_per_mission",
                        violation_error_code="ref_taken",
                        violation_error_message="This ref is already taken; choose another.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="tag",
                    constraint=models.UniqueConstraint(
                        fields=("mission", "name"), name="tag_name_per_mission"
                    ),
                ),
            ],
        ),
    ]
