"""`frontline bench SUITE`: measure Frontline on a throw-away database (see frontline/bench)."""

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frontline.bench import SUITES


class Command(BaseCommand):
    help = (
        "Measure Frontline on a throw-away database loaded with generated data. Prints one "
        "JSON object per figure on stdout and progress on stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        suites = parser.add_subparsers(dest="suite", required=True)
        for name, path in SUITES.items():
            suite = import_module(path)
            suite.add_arguments(suites.add_parser(name, help=suite.HELP))

    def handle(self, *args: Any, **options: Any) -> None:
        suite = import_module(SUITES[options["suite"]])
        suite.run(options, out=self.stdout, err=self.stderr)
