"""Fact.source becomes Fact.citation, so its history keeps the audit source.

A model field named "source" took the place of the audit "source" column that every historical
table has (web, api, command, import, system). The fact's own column held the citation, but its
historical rows held the audit source in that column, stamped over the citation, so the
citation was never recorded in the history and a restored fact came back citing "command".

- The fact's column is renamed to "citation": every citation stays.
- The historical table keeps its "source" column, which already holds the audit sources, cut
  back to the audit width, and gets a "citation" column.
- The citation each historical row had was never stored. A fact that still exists gets its
  current citation on all its historical rows, so no later change is shown as a change of
  citation; a fact deleted before this migration has none to give (restoring it brings back an
  empty citation, not "command"). A historical row whose "source" is not an audit source
  (written without the audit receiver) holds a real citation: it moves to "citation".
"""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

AUDIT_SOURCES = ["web", "api", "command", "import", "system", ""]


def split_history_source(apps, schema_editor):
    HistoricalFact = apps.get_model("engagements", "HistoricalFact")
    Fact = apps.get_model("engagements", "Fact")
    rows = HistoricalFact.objects.using(schema_editor.connection.alias)
    rows.exclude(source__in=AUDIT_SOURCES).update(citation=F("source"), source="")
    current = Fact.objects.filter(pk=OuterRef("id")).values("citation")[:1]
    rows.filter(citation="").update(citation=Coalesce(Subquery(current), Value("")))


def join_history_source(apps, schema_editor):
    HistoricalFact = apps.get_model("engagements", "HistoricalFact")
    rows = HistoricalFact.objects.using(schema_editor.connection.alias)
    rows.filter(source="").exclude(citation="").update(source=F("citation"))


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0003_engagement_text_search"),
    ]

    operations = [
        migrations.RenameField(model_name="fact", old_name="source", new_name="citation"),
        migrations.AlterField(
            model_name="fact",
            name="citation",
            field=models.CharField(
                blank=True,
                help_text="Where the date or figure comes from, for example: Ministry of Commerce, 2022",
                max_length=300,
                verbose_name="citation",
            ),
        ),
        migrations.AddField(
            model_name="historicalfact",
            name="citation",
            field=models.CharField(
                blank=True,
                help_text="Where the date or figure comes from, for example: Ministry of Commerce, 2022",
                max_length=300,
                verbose_name="citation",
            ),
        ),
        migrations.RunPython(split_history_source, join_history_source),
        migrations.AlterField(
            model_name="historicalfact",
            name="source",
            field=models.CharField(blank=True, max_length=10),
        ),
    ]
