"""`frontline worker`: run background jobs (SLA sweeps, mail polling, reports) standalone.

With ``REDIS_URL`` set, start as many as you like on as many machines as you like; work
that must happen once is claimed in the database, so running twice is harmless. Periodic
jobs are scheduled by every consumer unless started with ``--no-periodic``.
"""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from huey.consumer import Consumer

from frontline.core.worker import consumer_options, queue


class Command(BaseCommand):
    help = "Run a background job consumer until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers", type=int, default=2, help="Worker threads in this consumer (default 2)."
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not schedule periodic jobs here (another consumer does).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        huey = queue()
        if huey.immediate:
            self.stderr.write("HUEY_IMMEDIATE is on: jobs run where they are queued, no worker.")
            return
        workers = max(1, int(options["workers"]))
        logger = logging.getLogger("huey")
        if not logger.handlers:
            logger.setLevel(logging.INFO)
        self.stdout.write(
            f"Worker: {workers} thread(s) on {type(huey).__name__} {huey.name!r}"
            f"{'' if options['no_periodic'] else ', scheduling periodic jobs'}."
        )
        consumer = Consumer(
            huey, **consumer_options(workers=workers, periodic=not options["no_periodic"])
        )
        consumer.run()
