"""What changed between two versions of a translation, line by line, for the history page.

The lines are plain text; the template escapes them like any other value."""

import difflib
from dataclasses import dataclass
from typing import Literal

from frontline.knowledge.models import ArticleVersion

LineKind = Literal["same", "added", "removed", "gap"]


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    text: str


@dataclass(frozen=True)
class VersionDiff:
    old: ArticleVersion
    new: ArticleVersion
    title_changed: bool
    lines: list[DiffLine]

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.kind == "added")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "removed")


_KINDS: dict[str, LineKind] = {"+": "added", "-": "removed", " ": "same"}


def diff_lines(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """The changed lines of ``new`` against ``old`` with ``context`` unchanged lines
    around each change; a "gap" line stands for unchanged lines left out."""
    unified = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context)
    lines: list[DiffLine] = []
    for raw in unified:
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(DiffLine("gap", raw))
            continue
        lines.append(DiffLine(_KINDS[raw[:1] or " "], raw[1:]))
    return lines


def diff_versions(old: ArticleVersion, new: ArticleVersion) -> VersionDiff:
    return VersionDiff(
        old=old,
        new=new,
        title_changed=old.title != new.title,
        lines=diff_lines(old.body_markdown, new.body_markdown),
    )
