"""A demo generated before the mission had its sending state's names: give the demo embassy
Demoland's (its letters called its Ambassador Chinese). Only the demo's own mission, unchanged
by a user (still the default sending country CN and the demo's name), is touched."""

from django.db import migrations

DEMOLAND = {
    "sending_country": "XD",
    "sending_name_en": "Demoland",
    "sending_adjective_en": "Demolandian",
    "sending_name_zh": "德莫兰",
    "sending_state_en": "the Republic of Demoland",
    "sending_state_zh": "德莫兰共和国",
}


def forwards(apps, schema_editor):
    Mission = apps.get_model("engagements", "Mission")
    Mission.objects.filter(
        ref="DEMO-US",
        sending_country="CN",
        name_en="Embassy of the Republic of Demoland in the United States of America",
    ).update(**DEMOLAND)


class Migration(migrations.Migration):
    dependencies = [("engagements", "0007_mission_sending_state_names")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
