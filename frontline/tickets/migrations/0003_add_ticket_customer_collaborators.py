from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("tickets", "0002_add_message_visible_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="customer_collaborators",
            field=models.ManyToManyField(
                blank=True,
                help_text="People on the customer's side who are copied, e.g. CC'd on an email.",
                related_name="copied_tickets",
                to="customers.customer",
            ),
        ),
    ]
