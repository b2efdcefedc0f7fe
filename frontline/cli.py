"""The ``frontline`` command: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "frontline"
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
