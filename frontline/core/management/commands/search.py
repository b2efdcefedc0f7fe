"""``frontline search reindex|check``: rebuild the search indexes from their rows, or report
where they drifted apart."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from frontline.core.search import INDEXES
from frontline.core.search.sync import check, reindex, sources


class Command(BaseCommand):
    help = "Rebuild the search indexes (reindex) or report drift from their rows (check)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("reindex", "Rebuild the indexes from the rows they mirror."),
            ("check", "Report documents missing, stale or changed; exit 1 on drift."),
        ):
            action = actions.add_parser(name, help=text)
            action.add_argument(
                "--index", choices=INDEXES, action="append", help="Only this index."
            )
            action.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        known = sources()
        chosen = options["index"] or [i for i in INDEXES if i in known]
        drifted = False
        for index in chosen:
            source = known.get(index)
            if source is None:
                raise CommandError(f"No app indexes {index!r} yet.")
            total = sum(1 for _ in source.all_ids())
            bar = tqdm(
                total=total,
                unit="doc",
                desc=index,
                disable=options["no_progress"],
                file=sys.stderr,
            )
            with bar:
                if options["action"] == "reindex":
                    written = reindex(source, progress=bar.update)
                    self.stdout.write(f"{index}: {written:,} documents indexed")
                    continue
                drift = check(source, progress=bar.update)
            drifted |= not drift.clean
            self.stdout.write(
                f"{index}: {drift.checked:,} checked, {len(drift.missing):,} missing, "
                f"{len(drift.stale):,} stale, {len(drift.changed):,} changed"
                + ("" if drift.clean else f" (e.g. ids {_examples(drift)})")
            )
        if drifted:
            raise CommandError("The search index has drifted; run `frontline search reindex`.")


def _examples(drift: Any) -> str:
    ids = [*drift.missing, *drift.stale, *drift.changed][:5]
    return ", ".join(str(i) for i in ids)
