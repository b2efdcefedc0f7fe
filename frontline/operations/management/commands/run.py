"""`frontline run`: migrate, load demo data on an empty database, serve over ASGI with the
background worker in threads beside it."""

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from frontline import demo
from frontline.core import worker


def refresh_planner_statistics() -> None:
    """Let the query planner know the table sizes. Without statistics SQLite picks an OR of
    indexes plus a sort for the ticket lists (~100 ms at 100k tickets instead of ~1 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run background jobs here (a `frontline worker` does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        refresh_planner_statistics()
        self.stdout.write(f"Database ready: {settings.DATABASES['default']['NAME']}")
        url = f"http://{options['host']}:{options['port']}/"
        # Links in mail point where this server listens, and so do the demo's webhook and
        # messaging receivers, set before the demo loads.
        if "SITE_URL" not in os.environ:
            settings.SITE_URL = url.rstrip("/")
        if not options["no_demo"] and not demo.has_data():
            self.stdout.write("Empty database: loading demo data (first start only)…")
            summary = demo.create_demo_data()
            self.stdout.write(f"Demo data loaded: {summary}")
        self._print_welcome(url)
        if options["no_serve"]:
            return
        # Background jobs run in threads beside the web server unless a worker runs them.
        consumer = None if options["no_worker"] else worker.start_embedded()
        listener = self._start_mail_listener()
        try:
            uvicorn.run(
                "frontline.asgi:application",
                host=options["host"],
                port=options["port"],
                log_level="info",
                lifespan="off",
            )
        finally:
            if listener is not None:
                listener.stop()
            if consumer is not None:
                consumer.stop(graceful=True)

    def _start_mail_listener(self) -> Any:
        """The SMTP/LMTP listener a mail server delivers to (FRONTLINE_SMTP_PORT, 0: off)."""
        if not settings.FRONTLINE_SMTP_PORT:
            return None
        from frontline.channels.email.smtpd import start_listener

        host, port = settings.FRONTLINE_SMTP_HOST, settings.FRONTLINE_SMTP_PORT
        try:
            listener = start_listener(host=host, port=port, lmtp=settings.FRONTLINE_SMTP_LMTP)
        except (OSError, RuntimeError) as exc:
            self.stderr.write(f"Mail listener not started on {host}:{port}: {exc}")
            return None
        self.stdout.write(f"  mail listener   smtp://{host}:{port}")
        return listener

    def _print_welcome(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Frontline is at {url}"))
        self.stdout.write(f"  agent workspace {url}   portal {url}portal/")
        self.stdout.write(f"  API docs {url}api/v1/docs   admin {url}admin/")
        from frontline.channels.email.outbox import notice

        if outbox_notice := notice():
            self.stdout.write(f"  outbound mail   {outbox_notice} (read it at {url}email/outbox/)")
        if demo.DEMO_LOGINS:
            self.stdout.write("  Demo logins:")
            for email, password, role in demo.DEMO_LOGINS:
                self.stdout.write(f"    {role:<24} {email} / {password}")
        self.stdout.write("")
