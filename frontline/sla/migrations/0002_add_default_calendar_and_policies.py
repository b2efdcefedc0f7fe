"""A fresh install gets the default business calendar and SLA policies for every priority."""

from django.conf import settings
from django.db import migrations

from frontline.sla.defaults import create_defaults


def add_defaults(apps, schema_editor):
    create_defaults(
        apps.get_model("sla", "Calendar"),
        apps.get_model("sla", "SlaPolicy"),
        apps.get_model("sla", "PolicyTarget"),
        apps.get_model("sla", "ConfigVersion"),
        time_zone=settings.TIME_ZONE,
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
