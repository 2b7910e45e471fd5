"""Foreign keys to missions point at core.Mission (core 0003); state only, the columns stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_mission_from_engagements'),
        ('insight', '0002_posting_activity'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='postingactivity',
                    name='mission',
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.mission'),
                ),
            ],
            database_operations=[],
        ),
    ]
