"""Missions move from the engagements app to core, keeping their tables.

State only: the tables engagements_mission, engagements_mission_members and
engagements_historicalmission stay as they are (the model names them in its Meta); the other apps'
foreign keys are pointed at core.Mission in their own migrations, and engagements forgets the model
(engagements 0011). The content types of the two models are renamed, so permissions, groups and
the admin's log keep pointing at them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


_MODELS = ("mission", "historicalmission")


def _move_content_types(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in _MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def _rename_content_types(apps, schema_editor) -> None:
    _move_content_types(apps, "engagements", "core")


def _rename_back(apps, schema_editor) -> None:
    _move_content_types(apps, "core", "engagements")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_login_lock'),
        ('engagements', '0010_tag_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalMission',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('source', models.CharField(blank=True, max_length=10)),
                        ('ref', models.CharField(db_index=True, error_messages={'unique': 'This ref is already taken; choose another.'}, max_length=64, verbose_name='reference')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_zh', models.CharField(blank=True, max_length=200, verbose_name='name (Chinese)')),
                        ('host_country', models.CharField(default='US', max_length=2, verbose_name='host country (ISO code)')),
                        ('kind', models.CharField(choices=[('embassy', 'embassy'), ('consulate_general', 'consulate general'), ('consulate', 'consulate'), ('trade_office', 'trade office'), ('representative_office', 'representative office'), ('office', "other office (a legislator's office, an NGO)")], default='embassy', max_length=24, verbose_name='kind of mission')),
                        ('sending_country', models.CharField(default='CN', help_text='The state the mission represents: CN.', max_length=2, verbose_name='sending country (ISO code)')),
                        ('sending_name_en', models.CharField(blank=True, help_text='Only for a country the letters do not know: Demoland.', max_length=100, verbose_name="sending country's short name (English)")),
                        ('sending_adjective_en', models.CharField(blank=True, max_length=100, verbose_name="sending country's adjective (English)")),
                        ('sending_name_zh', models.CharField(blank=True, max_length=100, verbose_name="sending country's short name (Chinese)")),
                        ('sending_state_en', models.CharField(blank=True, help_text='As titles say it: the Republic of Demoland.', max_length=200, verbose_name="sending state's formal name (English)")),
                        ('sending_state_zh', models.CharField(blank=True, max_length=200, verbose_name="sending state's formal name (Chinese)")),
                        ('seat_en', models.CharField(blank=True, help_text='The city a consulate or office is in: San Francisco.', max_length=100, verbose_name='seat (city, English)')),
                        ('seat_zh', models.CharField(blank=True, max_length=100, verbose_name='seat (city, Chinese)')),
                        ('address', models.TextField(blank=True, verbose_name='address')),
                        ('letterhead_emblem', models.CharField(blank=True, max_length=300, verbose_name='emblem image path')),
                        ('letterhead_font', models.CharField(blank=True, max_length=100, verbose_name='letterhead font')),
                        ('page_size', models.CharField(choices=[('a4', 'A4'), ('us-letter', 'US Letter')], default='us-letter', max_length=10, verbose_name='page size')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('operation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.operation')),
                    ],
                    options={
                        'verbose_name': 'historical mission',
                        'verbose_name_plural': 'historical missions',
                        'db_table': 'engagements_historicalmission',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Mission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('ref', models.CharField(error_messages={'unique': 'This ref is already taken; choose another.'}, max_length=64, unique=True, verbose_name='reference')),
                        ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                        ('name_zh', models.CharField(blank=True, max_length=200, verbose_name='name (Chinese)')),
                        ('host_country', models.CharField(default='US', max_length=2, verbose_name='host country (ISO code)')),
                        ('kind', models.CharField(choices=[('embassy', 'embassy'), ('consulate_general', 'consulate general'), ('consulate', 'consulate'), ('trade_office', 'trade office'), ('representative_office', 'representative office'), ('office', "other office (a legislator's office, an NGO)")], default='embassy', max_length=24, verbose_name='kind of mission')),
                        ('sending_country', models.CharField(default='CN', help_text='The state the mission represents: CN.', max_length=2, verbose_name='sending country (ISO code)')),
                        ('sending_name_en', models.CharField(blank=True, help_text='Only for a country the letters do not know: Demoland.', max_length=100, verbose_name="sending country's short name (English)")),
                        ('sending_adjective_en', models.CharField(blank=True, max_length=100, verbose_name="sending country's adjective (English)")),
                        ('sending_name_zh', models.CharField(blank=True, max_length=100, verbose_name="sending country's short name (Chinese)")),
                        ('sending_state_en', models.CharField(blank=True, help_text='As titles say it: the Republic of Demoland.', max_length=200, verbose_name="sending state's formal name (English)")),
                        ('sending_state_zh', models.CharField(blank=True, max_length=200, verbose_name="sending state's formal name (Chinese)")),
                        ('seat_en', models.CharField(blank=True, help_text='The city a consulate or office is in: San Francisco.', max_length=100, verbose_name='seat (city, English)')),
                        ('seat_zh', models.CharField(blank=True, max_length=100, verbose_name='seat (city, Chinese)')),
                        ('address', models.TextField(blank=True, verbose_name='address')),
                        ('letterhead_emblem', models.CharField(blank=True, max_length=300, verbose_name='emblem image path')),
                        ('letterhead_font', models.CharField(blank=True, max_length=100, verbose_name='letterhead font')),
                        ('page_size', models.CharField(choices=[('a4', 'A4'), ('us-letter', 'US Letter')], default='us-letter', max_length=10, verbose_name='page size')),
                        ('members', models.ManyToManyField(blank=True, related_name='legation_missions', to=settings.AUTH_USER_MODEL, verbose_name='members')),
                    ],
                    options={
                        'verbose_name': 'mission',
                        'verbose_name_plural': 'missions',
                        'db_table': 'engagements_mission',
                        'ordering': ['name_en'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_rename_content_types, _rename_back, elidable=True),
    ]
