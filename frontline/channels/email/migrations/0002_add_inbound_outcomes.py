from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("email", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inboundmessage",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("opened", "Opened a ticket"),
                    ("threaded", "Added to its ticket"),
                    ("follow_up", "Opened a follow-up of a closed ticket"),
                    ("duplicate", "Duplicate of a message already on a ticket"),
                    ("bounce", "Delivery failure report"),
                    ("complaint", "Abuse or spam complaint report"),
                    ("receipt", "Read receipt"),
                    ("own_address", "Sent from one of our own addresses"),
                    ("mailbox_file", "An imported mbox file; its messages have their own records"),
                    ("too_large", "Larger than the message size limit"),
                    ("attachment_too_large", "An attachment larger than allowed"),
                    ("too_many_attachments", "More attachments than allowed"),
                    ("body_too_long", "Text longer than the message text limit"),
                    ("no_sender", "No sender address"),
                    ("rejected", "Refused by the ticket rules"),
                    ("error", "Failed with an unexpected error"),
                ],
                max_length=25,
            ),
        ),
    ]
