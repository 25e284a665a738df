"""Verdicts on the example pairs of a near-duplicate finding, and those verdicts as matcher labels.

A pair verdict's target is `<finding id>:pair:<the two keys as compact JSON>`, e.g.
`00a6b9bd3c089de4:pair:[1001,1061]`, the keys in a canonical order (sorted by their own compact
JSON) so that either way round names one target. Finding ids are hex, so the first ':pair:' splits
the two unambiguously. The pair must be one of the finding's evidence["pairs"]; "confirmed" says
the two rows are one entity (label 1), "rejected" that they are different ones (label 0).

`pair_labels` turns the latest verdict on each pair into a labelled pair whose records are the
texts the finding's evidence holds, for `stocktake train matcher --from-reviews`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stocktake.core.errors import CatalogError, UsageError
from stocktake.core.vocab import FindingStatus
from stocktake.detection.row_scores import key_text
from stocktake.matching.ditto import LabelledPair

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.catalog import Catalog, Verdict
    from stocktake.core.records import Finding, Run, Scalar

PAIR_MARK = ":pair:"
PAIRS_KEY = "pairs"  # the evidence entry near-duplicate findings list their example pairs under
SAME = (FindingStatus.CONFIRMED, FindingStatus.FIXED)  # one entity: a match
MAX_RUNS = 20  # newest runs searched when the run a verdict names is gone


def pair_text(keys: Sequence[Scalar]) -> str:
    """The two keys as compact JSON, in canonical order: the spelling pair targets use."""
    if len(keys) != 2:
        raise UsageError(f"a pair has two keys, not {len(keys)}")
    ordered = sorted(keys, key=key_text)
    return key_text(ordered)


def pair_target(finding_id: str, keys: Sequence[Scalar]) -> str:
    return f"{finding_id}{PAIR_MARK}{pair_text(keys)}"


def split_pair_target(target: str) -> tuple[str, str] | None:
    """(finding id, pair text) of a pair target; None for any other target."""
    finding_id, mark, text = target.partition(PAIR_MARK)
    if not mark or ":" in finding_id or not text:
        return None
    return finding_id, text


def evidence_pairs(finding: Finding) -> dict[str, dict[str, Any]]:
    """pair text -> the evidence's example pair, for each pair the finding spells out."""
    out: dict[str, dict[str, Any]] = {}
    for pair in finding.evidence.get(PAIRS_KEY) or []:
        keys = pair.get("keys") if isinstance(pair, dict) else None
        if isinstance(keys, list) and len(keys) == 2:
            out.setdefault(pair_text(keys), pair)
    return out


def check_pair(finding: Finding, keys: Sequence[Scalar]) -> str:
    """The pair's text when it is one of the finding's example pairs; a UsageError otherwise."""
    wanted = pair_text(keys)
    if wanted not in evidence_pairs(finding):
        raise UsageError(f"pair {wanted} is not one of the pairs finding {finding.id} lists")
    return wanted


def find_pair(finding: Finding, texts: Sequence[str]) -> list[Scalar]:
    """The evidence keys of the pair whose keys read as `texts` (either order), for the CLI, where
    keys arrive as text: 1001 matches the number 1001 and the string '1001' alike."""
    wanted = sorted(texts)
    for pair in evidence_pairs(finding).values():
        keys = pair["keys"]
        if sorted(_as_text(k) for k in keys) == wanted:
            return list(keys)
    raise UsageError(f"pair {' '.join(texts)} is not one of the pairs finding {finding.id} lists")


def _as_text(key: Any) -> str:
    return key if isinstance(key, str) else key_text(key)


def pair_verdicts(catalog: Catalog, finding_id: str) -> dict[str, Verdict]:
    """pair text -> latest verdict, for the example pairs of one finding that have one."""
    latest: dict[str, Verdict] = {}
    for verdict in catalog.verdicts_starting_with(finding_id + PAIR_MARK):  # oldest first: the last wins
        split = split_pair_target(verdict.finding_id)
        if split is not None:
            latest[split[1]] = verdict
    return latest


class _Runs:
    """Runs read once each, to find the example pair a verdict was given on."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.read: dict[str, Run | None] = {}
        self.newest: list[str] | None = None

    def get(self, run_id: str) -> Run | None:
        if run_id not in self.read:
            try:
                self.read[run_id] = self.catalog.get_run(run_id)
            except CatalogError:
                self.read[run_id] = None
        return self.read[run_id]

    def pair(self, finding_id: str, text: str, run_id: str | None) -> dict[str, Any] | None:
        """The finding's example pair in the run the verdict names, else in the newest run that
        lists it (a later scan may list other examples)."""
        if self.newest is None:
            self.newest = [s.id for s in self.catalog.list_runs()[:MAX_RUNS]]
        for rid in dict.fromkeys([*([run_id] if run_id else []), *self.newest]):
            run = self.get(rid)
            found = next((f for f in run.findings if f.id == finding_id), None) if run else None
            pair = evidence_pairs(found).get(text) if found else None
            if pair is not None:
                return pair
        return None


def _record(side: Any) -> dict[str, str]:
    return {str(c): "" if v is None else str(v) for c, v in side.items()} if isinstance(side, dict) else {}


def pair_labels(catalog: Catalog) -> list[LabelledPair]:
    """One labelled pair per reviewed pair (its latest verdict): 1 same entity, 0 different.

    Records are the texts the finding's evidence holds for the two rows. A verdict whose finding
    or pair no stored run holds any more is left out.
    """
    latest: dict[tuple[str, str], Verdict] = {}
    for verdict in catalog.verdicts_containing(PAIR_MARK):  # oldest first: the last word wins
        split = split_pair_target(verdict.finding_id)
        if split is not None:
            latest[split] = verdict
    runs = _Runs(catalog)
    labels = []
    for (finding_id, text), verdict in latest.items():
        pair = runs.pair(finding_id, text, verdict.run_id)
        if pair is None:
            continue
        label = 1 if verdict.verdict in SAME else 0
        labels.append(LabelledPair(_record(pair.get("left")), _record(pair.get("right")), label))
    return labels


__all__ = [
    "PAIR_MARK",
    "check_pair",
    "evidence_pairs",
    "find_pair",
    "pair_labels",
    "pair_target",
    "pair_text",
    "pair_verdicts",
    "split_pair_target",
]
