"""Foreign keys to missions point at core.Mission (core 0003); state only, the columns stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_mission_from_engagements'),
        ('letters', '0005_merge_row_personal_source'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalletterrecord',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalmergejob',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalmissiontemplate',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='historicalsegment',
                    name='mission',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='letterrecord',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='letters', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='mergejob',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='merge_jobs', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='missiontemplate',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='letter_templates', to='core.mission'),
                ),
                migrations.AlterField(
                    model_name='segment',
                    name='mission',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='segments', to='core.mission'),
                ),
            ],
            database_operations=[],
        ),
    ]
