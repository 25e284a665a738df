"""The ground truth of a demo estate: which problems were planted where, read and written as truth.json.

A problem names its asset, the columns involved, its finding type, and every affected key:
- `keys` are values of `key_columns`, spelled as they read back from the written file (timestamps as
  'YYYY-MM-DD HH:MM:SS' text); a composite key is a list. Day-level problems (missing_partition,
  volume_anomaly) key by calendar day 'YYYY-MM-DD'; entity-level ones (bot_traffic) by the entity.
- `count` is how many `unit`s show the problem: rows by default (for duplicates, the surplus
  copies), days for a missing partition.
- `counterpart` names the other side of a two-asset problem (cross_source_conflict,
  orphan_reference), so a finding raised on either side counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stocktake.atomic import write_text_atomic
from stocktake.core.vocab import FindingType


@dataclass(frozen=True)
class Counterpart:
    asset: str
    columns: tuple[str, ...]


@dataclass
class Problem:
    asset: str
    columns: list[str]
    type: FindingType
    key_columns: list[str]
    keys: list[Any]
    count: int
    description: str
    unit: str = "rows"
    counterpart: Counterpart | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "asset": self.asset,
            "columns": list(self.columns),
            "type": str(self.type),
            "key_columns": list(self.key_columns),
            "keys": list(self.keys),
            "count": self.count,
            "unit": self.unit,
            "description": self.description,
        }
        if self.counterpart is not None:
            out["counterpart"] = {"asset": self.counterpart.asset, "columns": list(self.counterpart.columns)}
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Problem:
        other = raw.get("counterpart")
        return cls(
            asset=raw["asset"],
            columns=list(raw.get("columns", [])),
            type=FindingType(raw["type"]),
            key_columns=list(raw.get("key_columns", [])),
            keys=list(raw.get("keys", [])),
            count=int(raw["count"]),
            description=raw.get("description", ""),
            unit=raw.get("unit", "rows"),
            counterpart=Counterpart(other["asset"], tuple(other["columns"])) if other else None,
        )


@dataclass
class Truth:
    as_of: str
    seed: int
    rows: int
    sources: list[str]  # source specs relative to the truth file's folder, as written
    problems: list[Problem] = field(default_factory=list)
    path: Path | None = None  # where it was loaded from

    def source_paths(self) -> list[str]:
        """The source specs as absolute paths, ready to scan."""
        base = self.path.parent if self.path is not None else Path.cwd()
        return [str((base / s).resolve()) for s in self.sources]

    def of_type(self, type_: FindingType | str) -> list[Problem]:
        return [p for p in self.problems if p.type == type_]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "seed": self.seed,
            "rows": self.rows,
            "sources": list(self.sources),
            "problems": [p.to_dict() for p in self.problems],
        }

    def save(self, path: Path) -> Path:
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
        written = write_text_atomic(path, text)
        written.chmod(0o644)
        return written


def load_truth(path: str | Path) -> Truth:
    path = Path(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Truth(
        as_of=raw["as_of"],
        seed=int(raw["seed"]),
        rows=int(raw["rows"]),
        sources=list(raw["sources"]),
        problems=[Problem.from_dict(p) for p in raw["problems"]],
        path=path,
    )
