from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="visible_text",
            field=models.TextField(
                blank=True,
                help_text="The new text of a reply without quoted history or signature; empty when the whole body is new.",
            ),
        ),
    ]
