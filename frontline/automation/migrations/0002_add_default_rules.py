"""A fresh install closes solved tickets after four days (as most help desks do) and ships
an inactive reminder rule for pending tickets, ready to switch on."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "name": "Close solved tickets after 4 days",
        "description": "A customer who writes after that opens a follow-up ticket.",
        "is_active": True,
        "position": 100,
        "statuses": ["solved"],
        "since": "status_changed",
        "amount": 4,
        "unit": "days",
        "actions": [{"type": "set_status", "status": "closed"}],
    },
    {
        "name": "Remind the customer after 3 business days pending",
        "description": "Switch on to nudge customers who have not answered.",
        "is_active": False,
        "position": 10,
        "statuses": ["pending"],
        "since": "status_changed",
        "amount": 3,
        "unit": "business_days",
        "actions": [
            {
                "type": "remind_customer",
                "body": "Hello {customer}, we are still waiting for your answer on "
                "{ticket}. Reply to this message and we will pick it up at once.",
            }
        ],
    },
]


def add_rules(apps, schema_editor):
    TimeRule = apps.get_model("automation", "TimeRule")
    if TimeRule.objects.exists():
        return
    for rule in DEFAULT_RULES:
        TimeRule.objects.create(**rule)


class Migration(migrations.Migration):
    dependencies = [("automation", "0001_initial")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
