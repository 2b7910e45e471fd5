"""Foreign keys to missions point at core.Mission (core 0003); state only, the columns stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_mission_from_engagements'),
        ('people', '0007_tag_history'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalorganisation',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalperson',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicaltag',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='organisation',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='person',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='people', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='tag',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tags', to='core.mission'),
                ),
            ],
            database_operations=[],
        ),
    ]
