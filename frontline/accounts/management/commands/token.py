"""`frontline token create EMAIL` and `frontline token revoke PREFIX`: API tokens from a shell.

``create`` prints only the token on stdout, so scripts can capture it:
``TOKEN=$(frontline token create ops@example.com --name deploy)``.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontline.accounts.models import ApiToken, User
from frontline.accounts.services import issue_token, revoke_token


class Command(BaseCommand):
    help = "Create or revoke personal API tokens."
    # Like changepassword: an operator locked out of the API gets a token even while another
    # app's system check fails.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = actions.add_parser("create", help="Print a new token for an active user.")
        create.add_argument("email", help="The user's email address.")
        create.add_argument("--name", default="API token", help="What the token is for.")
        revoke = actions.add_parser("revoke", help="Revoke a token by the prefix it shows.")
        revoke.add_argument("prefix", help="The token's first 12 characters, e.g. flt_AbC123xy.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options["email"], name=options["name"])
        else:
            self._revoke(options["prefix"])

    def _create(self, email: str, *, name: str) -> None:
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"There is no user with the email address {email}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated; reactivate them first.")
        issued = issue_token(user, name=name)
        self.stdout.write(issued.secret)
        self.stderr.write(f"Token {issued.token.prefix}… for {user.email}: shown only this once.")

    def _revoke(self, prefix: str) -> None:
        # The first 12 characters are stored; a whole pasted token narrows to the same prefix.
        tokens = list(
            ApiToken.objects.select_related("user").filter(
                prefix=prefix.strip()[:12], revoked_at__isnull=True
            )
        )
        if not tokens:
            raise CommandError(f"No active token starts with {prefix!r}.")
        if len(tokens) > 1:
            raise CommandError(
                f"{len(tokens)} active tokens start with {prefix!r}; revoke them in the admin."
            )
        revoke_token(tokens[0])
        self.stdout.write(f"Revoked token {tokens[0].prefix}… of {tokens[0].user.email}.")
