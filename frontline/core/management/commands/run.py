"""`frontline run`: migrate, load demo data on an empty database, serve over ASGI."""

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from frontline.core import demo


class Command(BaseCommand):
    help = "Migrate the database, load demo data on first start, and serve Frontline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load demo data into an empty database."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare the database, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready: {settings.DATABASES['default']['NAME']}")
        if not options["no_demo"] and not demo.has_data():
            self.stdout.write("Empty database: loading demo data (first start only)…")
            summary = demo.create_demo_data()
            self.stdout.write(f"Demo data loaded: {summary}")
        url = f"http://{options['host']}:{options['port']}/"
        self._print_welcome(url)
        if options["no_serve"]:
            return
        uvicorn.run(
            "frontline.asgi:application",
            host=options["host"],
            port=options["port"],
            log_level="info",
            lifespan="off",
        )

    def _print_welcome(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Frontline is at {url}"))
        self.stdout.write(f"  agent workspace {url}   portal {url}portal/")
        self.stdout.write(f"  API docs {url}api/v1/docs   admin {url}admin/")
        if demo.DEMO_LOGINS:
            self.stdout.write("  Demo logins:")
            for email, password, role in demo.DEMO_LOGINS:
                self.stdout.write(f"    {role:<24} {email} / {password}")
        self.stdout.write("")
