"""The findings queue: filter and sort a run's findings; shared by the page and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass

from stocktake.core.errors import UsageError
from stocktake.core.records import Finding
from stocktake.web.service import priority, severity_rank

SORTS = ("priority", "severity", "rows", "score", "asset")


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"  # "" or "all": every status
    family: str = ""
    type: str = ""
    severity: str = ""
    asset: str = ""
    q: str = ""  # words that must all appear in the reason, asset or columns
    sort: str = "priority"
    offset: int = 0
    limit: int = 50


def _sort_key(sort: str):  # type: ignore[no-untyped-def]
    if sort == "priority":
        return lambda f: (-priority(f), -severity_rank(str(f.severity)), f.id)
    if sort == "severity":
        return lambda f: (-severity_rank(str(f.severity)), -f.score, f.id)
    if sort == "rows":
        return lambda f: (-f.rows.count, f.id)
    if sort == "score":
        return lambda f: (-f.score, f.id)
    return lambda f: (f.asset, f.id)


def _matches(f: Finding, flt: QueueFilter, words: list[str]) -> bool:
    if flt.status not in ("", "all") and str(f.status) != flt.status:
        return False
    for value, wanted in ((f.family, flt.family), (f.type, flt.type), (f.severity, flt.severity)):
        if wanted and str(value) != wanted:
            return False
    if flt.asset and f.asset != flt.asset:
        return False
    text = " ".join([f.reason, f.asset, *f.columns, str(f.type)]).lower()
    return all(w in text for w in words)


def query_findings(findings: list[Finding], flt: QueueFilter) -> tuple[int, list[Finding]]:
    """(how many match, the page asked for)."""
    if flt.sort not in SORTS:
        raise UsageError(f"unknown sort {flt.sort!r}; use one of {', '.join(SORTS)}")
    words = flt.q.lower().split()
    matched = sorted((f for f in findings if _matches(f, flt, words)), key=_sort_key(flt.sort))
    return len(matched), matched[flt.offset : flt.offset + flt.limit]
