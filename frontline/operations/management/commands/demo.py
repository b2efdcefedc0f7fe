"""`frontline demo`: load demo data into an empty database, or replace it with --reset."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontline import demo


class Command(BaseCommand):
    help = "Load demo data: teams, staff, customers and three months of tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete tickets, customers, teams and non-superuser accounts first.",
        )
        parser.add_argument("--tickets", type=int, default=5000, help="How many tickets.")
        parser.add_argument("--days", type=int, default=90, help="Over how many days.")
        parser.add_argument("--seed", type=int, default=7, help="Same seed, same demo.")
        parser.add_argument(
            "--sla",
            action="store_true",
            help="Then replay every ticket's SLA and print how well the team kept it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tickets"] < 0 or options["days"] < 1:
            raise CommandError("--tickets must be 0 or more and --days at least 1.")
        if options["reset"]:
            demo.reset_demo_data()
            self.stdout.write("Removed the existing data.")
        elif demo.has_data():
            raise CommandError(
                "The database already has tickets or staff accounts, so the demo would mix "
                "with them. Run `frontline demo --reset` to replace everything with the demo "
                "(this deletes tickets, customers, teams and all non-superuser accounts)."
            )
        summary = demo.create_demo_data(
            seed=options["seed"],
            tickets=options["tickets"],
            days=options["days"],
            stdout=self.stdout,
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}"))
        if options["sla"]:
            self.stdout.write(f"SLA: {demo.sla_figures()}")
        self.stdout.write("Demo logins:")
        for email, password, role in demo.DEMO_LOGINS:
            self.stdout.write(f"  {role:<24} {email} / {password}")
