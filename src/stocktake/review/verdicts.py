"""Latest verdict per finding id, and a run with those verdicts applied."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from stocktake.catalog import Verdict
from stocktake.core.vocab import FindingStatus

if TYPE_CHECKING:
    from stocktake.catalog import Catalog
    from stocktake.core.records import Finding, Run

# The evidence entry that says who judged a finding, when, and why.
REVIEW_EVIDENCE_KEY = "review"


def latest_verdicts(catalog: Catalog, finding_ids: Iterable[str]) -> dict[str, Verdict]:
    """finding id -> its most recent verdict, for the ids that have one."""
    return catalog.latest_verdicts(finding_ids)


def _review_note(verdict: Verdict) -> dict[str, Any]:
    note: dict[str, Any] = {"verdict": verdict.verdict.value, "at": verdict.at.isoformat(timespec="seconds")}
    if verdict.reviewer:
        note["reviewer"] = verdict.reviewer
    if verdict.comment:
        note["comment"] = verdict.comment
    return note


def _judged(finding: Finding, verdict: Verdict | None) -> Finding:
    if verdict is None:
        return finding
    evidence = {**finding.evidence, REVIEW_EVIDENCE_KEY: _review_note(verdict)}
    return finding.model_copy(update={"status": verdict.verdict, "evidence": evidence})


def with_verdicts(run: Run, verdicts: dict[str, Verdict]) -> Run:
    """A copy of `run` whose findings carry their latest verdict; rejected ones go last.

    Pure: the same call the scan makes before saving and the web app makes before showing.
    A finding without a verdict keeps the status it has.
    """
    judged = [_judged(f, verdicts.get(f.id)) for f in run.findings]
    # Stable sort: open, confirmed and fixed keep their order; rejected move out of the way.
    judged.sort(key=lambda f: f.status == FindingStatus.REJECTED)
    return run.model_copy(update={"findings": judged})


def apply_verdicts(catalog: Catalog, run: Run) -> Run:
    """`run` with every finding's status set from the latest verdict on its id in `catalog`.

    Findings a person rejected stay in the run, with status `rejected` and the reviewer's
    comment under evidence["review"], so reports and scores no longer count them as open.
    """
    return with_verdicts(run, latest_verdicts(catalog, (f.id for f in run.findings)))
