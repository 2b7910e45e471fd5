"""Missions live in core now (core 0003): engagements forgets them, state only (the tables stay)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_mission_from_engagements'),
        ('engagements', '0010_tag_history'),
        ('insight', '0003_mission_in_core'),
        ('letters', '0006_mission_in_core'),
        ('people', '0008_mission_in_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='mission',
                    name='members',
                ),
                migrations.AlterField(
                    model_name='engagement',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalposting',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalengagement',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='fact',
                    name='mission',
                    field=models.ForeignKey(blank=True, help_text='Empty: shared by every mission.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='facts', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalfact',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='Empty: shared by every mission.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='posting',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='postings', to='core.mission'),
                ),
                migrations.DeleteModel(
                    name='HistoricalMission',
                ),
                migrations.DeleteModel(
                    name='Mission',
                ),
            ],
            database_operations=[],
        ),
    ]
