"""Relationship.source/target become from_person/to_person.

A model field named "source" took the place of the audit "source" column that every historical
table has (web, api, command, import, system), so no historical row of a relationship could be
written. The columns are renamed (the data stays), and the historical table gets its audit
"source" column back.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="relationship", name="relationship_not_self"),
        migrations.RenameField(
            model_name="relationship", old_name="source", new_name="from_person"
        ),
        migrations.RenameField(model_name="relationship", old_name="target", new_name="to_person"),
        migrations.AddConstraint(
            model_name="relationship",
            constraint=models.CheckConstraint(
                condition=models.Q(("from_person", models.F("to_person")), _negated=True),
                name="relationship_not_self",
            ),
        ),
        migrations.RenameField(
            model_name="historicalrelationship", old_name="source", new_name="from_person"
        ),
        migrations.RenameField(
            model_name="historicalrelationship", old_name="target", new_name="to_person"
        ),
        migrations.AddField(
            model_name="historicalrelationship",
            name="source",
            field=models.CharField(blank=True, max_length=10),
        ),
    ]
