"""`frontline createsuperuser`: the first administrator, from a shell or a deployment script.

With ``--noinput`` it reads ``DJANGO_SUPERUSER_EMAIL`` and ``DJANGO_SUPERUSER_PASSWORD``, as
Django's own command does; ``DJANGO_SUPERUSER_NAME`` is optional and the name defaults to the
address's local part. The account is made through ``create_staff_user`` with the
administrator role, so it is the same kind of account an administrator would grant.
"""

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontline.accounts.models import Role, User
from frontline.accounts.services import create_staff_user
from frontline.core.errors import FrontlineError


def default_name(email: str) -> str:
    return email.strip().partition("@")[0]


class Command(BaseCommand):
    help = "Create an administrator: every permission, the Django admin included."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", help="The administrator's email address.")
        parser.add_argument("--name", help="Their name; defaults to the email's local part.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing: read DJANGO_SUPERUSER_EMAIL, DJANGO_SUPERUSER_PASSWORD and, "
            "optionally, DJANGO_SUPERUSER_NAME.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password: str | None
        if options["interactive"]:
            email, name, password = self._ask(options)
        else:
            email, name, password = self._from_environment(options)
        try:
            user = create_staff_user(email=email, name=name, role=Role.ADMIN, password=password)
        except FrontlineError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Administrator {user.email} created.")
        if password is None:
            self.stderr.write(
                f"{user.email} has no password yet: set one with "
                f"`frontline changepassword {user.email}`."
            )

    def _from_environment(self, options: dict[str, Any]) -> tuple[str, str, str | None]:
        email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        if not email.strip():
            raise CommandError("Set DJANGO_SUPERUSER_EMAIL or pass --email with --noinput.")
        name = options["name"] or os.environ.get("DJANGO_SUPERUSER_NAME") or default_name(email)
        # Like Django's command: without a password the account gets an unusable one.
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or None
        return email, name, password

    def _ask(self, options: dict[str, Any]) -> tuple[str, str, str]:
        email = options["email"] or input("Email address: ")
        if User.objects.filter(email=email.strip().lower()).exists():
            raise CommandError(f"A user with the address {email.strip().lower()} exists.")
        suggested = default_name(email)
        name = options["name"] or input(f"Name [{suggested}]: ").strip() or suggested
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return email, name, password
