"""``frontline knowledge evaluate``: how well knowledge search finds the right article, on the
labelled customer messages in shared/data/tickets (see ``frontline.knowledge.evaluation``)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from frontline.knowledge.evaluation import DATASETS, MESSAGES_PER_ARTICLE, data_directory, evaluate


class Command(BaseCommand):
    help = "Knowledge base tools: evaluate retrieval on labelled customer messages."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser(
            "evaluate",
            help="recall@1, recall@k and MRR of knowledge search (one article per intent).",
        )
        run.add_argument("--dataset", choices=DATASETS, action="append", help="Default: all.")
        run.add_argument("--top", type=int, default=5, help="k of recall@k (default 5).")
        run.add_argument(
            "--messages",
            type=int,
            default=MESSAGES_PER_ARTICLE,
            help="Training messages written into each article.",
        )
        run.add_argument("--intents", type=int, help="Only the first N intents (quick runs).")
        run.add_argument("--data", type=Path, help="Folder of the CSV files.")
        run.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["data"] or data_directory()
        if not folder.is_dir():
            raise CommandError(f"No data folder {folder}; pass --data.")
        for dataset in options["dataset"] or DATASETS:
            with tqdm(
                unit="query", desc=dataset, disable=options["no_progress"], file=sys.stderr
            ) as bar:
                result = evaluate(
                    dataset,
                    top=options["top"],
                    messages=options["messages"],
                    intents=options["intents"],
                    directory=folder,
                    progress=bar.update,
                )
            self.stdout.write(
                json.dumps(
                    {
                        "dataset": result.dataset,
                        "intents": result.intents,
                        "queries": result.queries,
                        "messages_per_article": options["messages"],
                        "recall_at_1": round(result.recall_at_1, 4),
                        f"recall_at_{result.top}": round(result.recall_at_k, 4),
                        "mrr": round(result.mrr, 4),
                    }
                )
            )
