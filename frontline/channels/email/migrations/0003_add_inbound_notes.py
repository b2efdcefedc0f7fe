from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("email", "0002_add_inbound_outcomes"),
    ]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="notes",
            field=models.TextField(
                blank=True, help_text="How a broken message was read: what was kept, and how."
            ),
        ),
    ]
