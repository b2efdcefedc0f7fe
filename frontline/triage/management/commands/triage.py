"""`frontline triage evaluate|train|models|activate`: the triage classifier from a shell.

``evaluate`` scores the classifier on any labelled CSV; ``train`` fits one model per field
on this instance's solved tickets and stores it as the active version.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from frontline.triage.classifier import scoring, training
from frontline.triage.classifier.evaluate import EvaluationError, evaluate, read_csv
from frontline.triage.models import TriageModel


class Command(BaseCommand):
    help = "Evaluate the triage classifier on a CSV, train it on solved tickets, list versions."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        score = actions.add_parser("evaluate", help="Train and score on a labelled CSV.")
        score.add_argument("train", type=Path, help="CSV to train on.")
        score.add_argument("--test", type=Path, help="CSV to score on (default: 20%% hold-out).")
        score.add_argument("--text-cols", default="text", help="Text columns, comma-separated.")
        score.add_argument("--label-col", default="label", help="The label column.")
        train = actions.add_parser("train", help="Train on solved tickets; store new versions.")
        train.add_argument(
            "--field", action="append", choices=training.FIELDS, help="Only this field."
        )
        train.add_argument("--no-progress", action="store_true", help="No progress bar.")
        actions.add_parser("models", help="List the stored versions.")
        activate = actions.add_parser("activate", help="Make a stored version the active one.")
        activate.add_argument("field", choices=training.FIELDS)
        activate.add_argument("version", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "evaluate":
            self._evaluate(options)
        elif action == "train":
            self._train(options["field"] or list(training.FIELDS), not options["no_progress"])
        elif action == "models":
            self._models()
        else:
            self._activate(options["field"], options["version"])

    def _evaluate(self, options: dict[str, Any]) -> None:
        text_cols = [c.strip() for c in options["text_cols"].split(",") if c.strip()]
        label_col = options["label_col"]
        try:
            train = read_csv(options["train"], text_cols=text_cols, label_col=label_col)
            test = None
            if options["test"] is not None:
                test = read_csv(options["test"], text_cols=text_cols, label_col=label_col)
            result = evaluate(train, test)
        except EvaluationError as error:
            raise CommandError(str(error)) from None
        report = result.report
        where = "a stratified 20% hold-out" if result.held_out else str(options["test"])
        self.stdout.write(
            f"trained on {result.train_rows} rows in {result.train_seconds:.1f}s; "
            f"scored on {result.test_rows} rows ({where})"
        )
        self.stdout.write(f"accuracy {report.accuracy:.3f}")
        self.stdout.write(f"macro_f1 {report.macro_f1:.3f}")
        self.stdout.write("weakest labels:")
        for label in report.weakest(5):
            self.stdout.write(f"  {_label_line(label)}")
        if report.in_scope_accuracy is not None:
            self.stdout.write(f"in_scope_accuracy {report.in_scope_accuracy:.3f}")
            self.stdout.write(f"oos_recall {report.oos_recall or 0.0:.3f}")
            plain = report.extra["without_rejection"]
            self.stdout.write(
                f"  (reject under confidence {report.reject_threshold:.2f}, chosen on "
                f"held-out training predictions; without rejection: in-scope "
                f"{plain['in_scope_accuracy']:.3f}, oos recall {plain['oos_recall']:.3f})"
            )

    def _train(self, fields: list[str], progress: bool) -> None:
        results = []
        # The bar goes to the command's own error stream (``stderr=`` of call_command).
        stream = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(total=3 * len(fields), unit="step", disable=not progress, file=stream) as bar:

            def advance() -> None:
                bar.update(1)

            for field in fields:
                bar.set_description(field)
                results.append(training.train_field(field, advance=advance))
        for result in results:
            self._trained(result)

    def _trained(self, result: training.Trained) -> None:
        if result.model is None or result.report is None:
            self.stdout.write(f"{result.field}: skipped ({result.skipped})")
            return
        stored, report = result.model, result.report
        self.stdout.write(
            f"{result.field}: version {stored.version} trained on {stored.trained_on} tickets, "
            f"scored on {stored.metrics['held_out']} held out"
        )
        if result.dropped_labels:
            rare = ", ".join(f"{k} ({v})" for k, v in sorted(result.dropped_labels.items()))
            self.stdout.write(f"  left out, too few tickets: {rare}")
        self.stdout.write(f"  {'label':<24} precision recall    f1 support")
        for label in report.labels:
            self.stdout.write(f"  {_label_line(label)}")
        self.stdout.write(f"  accuracy {report.accuracy:.3f}")
        self.stdout.write(f"macro_f1 {report.macro_f1:.3f}")

    def _models(self) -> None:
        for stored in TriageModel.objects.defer("estimator").order_by("field", "-version"):
            mark = "active" if stored.is_active else "      "
            self.stdout.write(
                f"{stored.field:<9} v{stored.version:<4} {mark} {stored.trained_at:%Y-%m-%d %H:%M} "
                f"{stored.trained_on} tickets, macro_f1 {stored.metrics.get('macro_f1', 0):.3f}"
            )

    def _activate(self, field: str, version: int) -> None:
        stored = TriageModel.objects.defer("estimator").filter(field=field, version=version).first()
        if stored is None:
            raise CommandError(f"No {field} model version {version}.")
        training.activate_version(stored)
        self.stdout.write(f"{field}: version {version} is active")


def _label_line(label: scoring.LabelScore) -> str:
    return (
        f"{label.label:<24} {label.precision:9.3f} {label.recall:6.3f} "
        f"{label.f1:5.3f} {label.support:7d}"
    )
