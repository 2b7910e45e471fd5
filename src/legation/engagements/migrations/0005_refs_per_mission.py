"""Refs of postings and engagements unique per mission, not across the database.

Existing refs were unique everywhere, so they stay as they are. A clash reads the same whatever
holds the ref (`legation.core.refs.REF_TAKEN`), missions' refs included.
"""

from django.conf import settings
from django.db import migrations, models

from legation.core.migration_ops import KeepingTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("engagements", "0004_fact_citation"),
        ("people", "0002_relationship_from_person_to_person"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        KeepingTriggers(
            tables=["engagements_engagement", "engagements_posting", "engagements_mission"],
            operations=[
                migrations.AlterField(
                    model_name="engagement",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalengagement",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalmission",
                    name="ref",
                    field=models.CharField(
                        db_index=True,
                        error_messages={"unique": "This ref is already taken; choose another."},
                        max_length=64,
                        verbose_name="reference",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalposting",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AlterField(
                    model_name="mission",
                    name="ref",
                    field=models.CharField(
                        error_messages={"unique": "This ref is already taken; choose another."},
                        max_length=64,
                        unique=True,
                        verbose_name="reference",
                    ),
                ),
                migrations.AlterField(
                    model_name="posting",
                    name="ref",
                    field=models.CharField(
                        blank=True, max_length=64, null=True, verbose_name="reference"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="engagement",
                    constraint=models.UniqueConstraint(
                        fields=("mission", "ref"),
                        name="engagement_ref_per_mission",
                        violation_error_code="ref_taken",
                        violation_error_message="This ref is already taken; choose another.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="posting",
                    constraint=models.UniqueConstraint(
                        fields=("mission", "ref"),
                        name="posting_ref_per_mission",
                        violation_error_code="ref_taken",
                        violation_error_message="This ref is already taken; choose another.",
                    ),
                ),
            ],
        ),
    ]
