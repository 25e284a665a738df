"""Read labelled record pairs in Ditto's serialised format.

One pair a line: ``COL a VAL x COL b VAL y<TAB>COL a VAL ...<TAB>label``. Values may be empty
(``VAL `` followed by the next ``COL``). Parsing gives plain ``{attribute: value}`` records so
that every matcher sees the same structure whatever file or table the pairs came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stocktake.core.errors import SourceNotFoundError, UnreadableSourceError

Record = dict[str, str]

# "COL " at the start or after a space, then a name without spaces, then " VAL".
_FIELD = re.compile(r"(?:^|\s)COL (\S+) VAL(?= |$)")


@dataclass(frozen=True)
class LabelledPair:
    left: Record
    right: Record
    label: int


def parse_record(text: str) -> Record:
    """``COL name VAL value ...`` -> ``{"name": "value", ...}`` in attribute order."""
    marks = list(_FIELD.finditer(text))
    if not marks:
        stripped = text.strip()
        return {"text": stripped} if stripped else {}
    record: Record = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        record[mark.group(1)] = text[mark.end() : end].strip()
    return record


def parse_line(line: str) -> LabelledPair:
    parts = line.rstrip("\n\r").split("\t")
    if len(parts) != 3 or parts[2].strip() not in ("0", "1"):
        raise ValueError("expected LEFT<TAB>RIGHT<TAB>0|1")
    return LabelledPair(parse_record(parts[0]), parse_record(parts[1]), int(parts[2].strip()))


def load_pairs(path: str | Path) -> list[LabelledPair]:
    """Every pair of a Ditto file; a malformed line is an error naming its line number."""
    file = Path(path)
    if not file.is_file():
        raise SourceNotFoundError(f"no such pairs file: {file}")
    pairs = []
    with file.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                pairs.append(parse_line(line))
            except ValueError as exc:
                raise UnreadableSourceError(f"{file}:{number}: {exc}") from None
    return pairs


def load_split_dir(folder: str | Path) -> dict[str, list[LabelledPair]]:
    """``train``/``valid``/``test`` pairs of a Ditto folder; ``test`` may be absent."""
    root = Path(folder)
    if not root.is_dir():
        raise SourceNotFoundError(f"no such folder: {root}")
    missing = [name for name in ("train", "valid") if not (root / f"{name}.txt").is_file()]
    if missing:
        raise SourceNotFoundError(f"{root} has no {', '.join(m + '.txt' for m in missing)}")
    splits = {
        name: load_pairs(root / f"{name}.txt")
        for name in ("train", "valid", "test")
        if (root / f"{name}.txt").is_file()
    }
    return splits


__all__ = ["LabelledPair", "Record", "load_pairs", "load_split_dir", "parse_line", "parse_record"]
