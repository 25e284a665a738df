"""Run declared checks where the data lives and turn failures into findings.

One aggregate query per check counts failing and total rows; only a failing check pays
for more: sample keys, its most common failing values, and a proposed correction.
A check that cannot run (unknown column, SQL the engine rejects) yields a result with
an error instead of stopping the others.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from stocktake.checks.compile import FLAVOURS, OTHER, compile_check, naive_utc
from stocktake.checks.keys import key_columns
from stocktake.checks.wording import share_text
from stocktake.core.checks import (
    AggregateMatchCheck,
    AllowedValuesCheck,
    BaseCheck,
    FreshnessCheck,
    NotFutureCheck,
    PatternCheck,
    RowCheck,
    RowCountCheck,
    UniqueCheck,
    duration_words,
    ensure_unique_names,
)
from stocktake.core.records import Finding, RowSet
from stocktake.engines.drilldown import Drilldown
from stocktake.engines.profiling import REL, quote_duckdb, to_scalar

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from stocktake.checks.compile import CompiledCheck
    from stocktake.core.records import Asset, ColumnProfile, Scalar
    from stocktake.engines.base import Engine

SAMPLE_KEYS = 20
VALUES_FETCHED = 50  # failing values fetched, then ordered in Python (engines break count ties differently)
VALUES_SHOWN = 5


@dataclass(frozen=True)
class CheckResult:
    check: BaseCheck
    passed: bool
    failing: int = 0
    total: int = 0
    finding: Finding | None = None
    error: str | None = None  # why the check could not run

    @property
    def status(self) -> Literal["passed", "failed", "error"]:
        return "error" if self.error else "passed" if self.passed else "failed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check.to_dict(),
            "status": self.status,
            "failing": self.failing,
            "total": self.total,
            "finding": self.finding.to_dict() if self.finding else None,
            "error": self.error,
        }


def run_checks(
    engine: Engine,
    assets_by_name: Mapping[str, Asset],
    checks: Sequence[BaseCheck],
    as_of: datetime,
    profiles: Iterable[ColumnProfile] = (),
) -> list[CheckResult]:
    """Run every check on `engine`, one result per check, in order.

    Assets are looked up by name or id (a check's parent/child too); `profiles` help pick the
    columns that identify sample rows. `as_of` is "now" for not_future and freshness.
    Raises CheckDeclarationError before running anything if two checks share a name.
    """
    ensure_unique_names(list(checks))
    by_asset: dict[str, dict[str, ColumnProfile]] = defaultdict(dict)
    for p in profiles:
        by_asset[p.asset][p.column] = p
    return [_run_one(engine, assets_by_name, check, as_of, by_asset) for check in checks]


def _run_one(
    engine: Engine,
    assets: Mapping[str, Asset],
    check: BaseCheck,
    as_of: datetime,
    profiles: Mapping[str, dict[str, ColumnProfile]],
) -> CheckResult:
    try:
        asset = _find_asset(assets, check.asset)
        other = _find_asset(assets, check.other_asset) if check.other_asset else None
        compiled = compile_check(check, asset, dialect=engine.dialect, as_of=as_of, other=other)
        run = _Runner(engine, asset, other)
        if compiled.measure is not None:
            return _judge_asset(check, run, compiled.measure, as_of)
        return _judge_rows(check, run, compiled, profiles.get(asset.id, {}), as_of)
    except Exception as exc:  # one broken check must not stop the others; the reason is kept
        return CheckResult(check=check, passed=False, error=f"{type(exc).__name__}: {_first_line(exc)}")


class _Runner:
    """Compiles DuckDB-dialect SQL for the engine and fills in both placeholders."""

    def __init__(self, engine: Engine, asset: Asset, other: Asset | None) -> None:
        self.engine = engine
        self.asset = asset
        self.other = other

    def _fill(self, sql: str) -> str:
        sql = sql.replace(REL, self.engine.relation(self.asset))
        return sql.replace(OTHER, self.engine.relation(self.other)) if self.other else sql

    def rows(self, duckdb_sql: str) -> list[tuple[Any, ...]]:
        return self.engine.execute(self._fill(self.engine.transpile(duckdb_sql)))[1]

    def predicate_for_engine(self, predicate: str) -> str:
        sql = Drilldown(self.engine, self.asset).predicate_for_engine(predicate)
        return sql.replace(OTHER, self.engine.relation(self.other)) if self.other else sql

    def sample_keys(self, columns: Sequence[str], predicate: str) -> list[Scalar | list[Scalar]]:
        cols = ", ".join(quote_duckdb(c) for c in columns)
        rows = self.rows(f"SELECT {cols} FROM {REL} WHERE {predicate} ORDER BY {cols} LIMIT {SAMPLE_KEYS}")
        return [self.key(row, columns) for row in rows]

    def key(self, row: Sequence[Any], columns: Sequence[str]) -> Scalar | list[Scalar]:
        """Engine values as the same scalars everywhere (SQLite hands timestamps back as text)."""
        types = {c.name: c.logical_type for c in self.asset.columns}
        values = [_scalar(v, types.get(c)) for v, c in zip(row, columns, strict=True)]
        return values[0] if len(values) == 1 else values

    def failing_values(
        self, columns: Sequence[str], exact: Sequence[str], predicate: str
    ) -> tuple[int, list[tuple[Scalar | list[Scalar], int]]]:
        """(distinct failing values, the most frequent with their row counts)."""
        cols = ", ".join(quote_duckdb(c) for c in columns)
        groups = ", ".join(dict.fromkeys([*[quote_duckdb(c) for c in columns], *exact]))
        grouped = f"SELECT {cols}, COUNT(*) AS n FROM {REL} WHERE {predicate} GROUP BY {groups}"
        distinct = int(self.rows(f"SELECT COUNT(*) FROM ({grouped}) g")[0][0] or 0)
        rows = self.rows(f"{grouped} ORDER BY n DESC LIMIT {VALUES_FETCHED}")
        counted = [(self.key(row[:-1], columns), int(row[-1])) for row in rows]
        counted.sort(key=lambda vc: (-vc[1], _order(vc[0])))
        return distinct, counted[:SAMPLE_KEYS]


# -- row-level checks -------------------------------------------------------------------------
def _judge_rows(
    check: BaseCheck,
    run: _Runner,
    compiled: CompiledCheck,
    profiles: dict[str, ColumnProfile],
    as_of: datetime,
) -> CheckResult:
    predicate = str(compiled.predicate)
    total, failing = run.rows(f"SELECT COUNT(*), SUM(CASE WHEN {predicate} THEN 1 ELSE 0 END) FROM {REL}")[0]
    total, failing = int(total or 0), int(failing or 0)
    share = failing / total if total else 0.0
    allowed = check.max_share if isinstance(check, RowCheck) else 0.0
    if failing == 0 or share <= allowed:
        return CheckResult(check=check, passed=True, failing=failing, total=total)

    evidence: dict[str, Any] = {"rule": check.describe(), "failing": failing, "total": total}
    detail = ""
    values: list[tuple[Scalar | list[Scalar], int]] = []
    if compiled.value_columns:
        exact = _exact_groups(run, compiled.value_columns)
        distinct, values = run.failing_values(compiled.value_columns, exact, predicate)
        evidence["distinct_values"] = distinct
        evidence["values"] = [{"value": v, "rows": n} for v, n in values]
        detail = _listed(values, distinct)
    if isinstance(check, UniqueCheck):
        key_cols, keys = list(check.columns), [v for v, _ in values]
        groups = evidence["distinct_values"]
        detail = f" ({groups:,} {'value occurs' if groups == 1 else 'values occur'} more than once)"
    else:
        key_cols = key_columns(run.asset, profiles)
        keys = run.sample_keys(key_cols, predicate) if key_cols else []
    if isinstance(check, NotFutureCheck):
        detail = f" (after {naive_utc(as_of) + check.grace:%Y-%m-%d %H:%M:%S})"
    if isinstance(check, AggregateMatchCheck) and compiled.mismatch_sql:
        evidence["examples"] = _mismatches(run, compiled)
    correction = _correction(check, values)
    if correction:
        evidence["correction"], evidence["corrections"] = correction

    reason = (
        f"{failing:,} of {total:,} {_rows_of(run.asset)} ({share_text(share)}) {check.violation()}{detail}."
    )
    return CheckResult(
        check=check,
        passed=False,
        failing=failing,
        total=total,
        finding=_finding(check, run, reason, failing, share, key_cols, keys, predicate, evidence),
    )


def _exact_groups(run: _Runner, columns: Sequence[str]) -> list[str]:
    """Group text values byte-exactly where the engine's collation would merge them (MariaDB)."""
    flavour = FLAVOURS[run.engine.dialect]
    text = {c.name for c in run.asset.columns if c.logical_type == "string"}
    return [flavour.exact(quote_duckdb(c)) for c in columns if c in text]


def _mismatches(run: _Runner, compiled: CompiledCheck) -> list[dict[str, Any]]:
    out = []
    width = len(compiled.key_aliases)
    for row in run.rows(str(compiled.mismatch_sql)):
        this, that = _number(row[width]), _number(row[width + 1])
        out.append({"key": run.key(row[:width], compiled.key_aliases), "value": this, "expected": that})
    return sorted(out, key=lambda e: _order(e["key"]))


# -- asset-level checks -----------------------------------------------------------------------
def _judge_asset(check: BaseCheck, run: _Runner, measure: str, as_of: datetime) -> CheckResult:
    value, total = run.rows(measure)[0]
    total = int(total or 0)
    evidence: dict[str, Any] = {"rule": check.describe(), "total": total}
    if isinstance(check, FreshnessCheck):
        latest = _as_datetime(value)
        now = naive_utc(as_of)
        evidence.update(
            latest=latest.isoformat() if latest else None,
            as_of=now.isoformat(),
            max_age_s=check.max_age.total_seconds(),
        )
        if latest is not None and latest >= now - check.max_age:
            return CheckResult(check=check, passed=True, total=total)
        if latest is None:
            reason = f"{run.asset.name} has no {check.column} at all; {check.describe()}."
        else:
            evidence["age_s"] = (now - latest).total_seconds()
            reason = (
                f"The latest {check.column} of {run.asset.name} is {latest:%Y-%m-%d %H:%M:%S}, "
                f"{_age(now - latest)} before {now:%Y-%m-%d %H:%M:%S}; at most {duration_words(check.max_age)} is allowed."
            )
    elif isinstance(check, RowCountCheck):
        low, high = check.min, check.max
        if (low is None or total >= low) and (high is None or total <= high):
            return CheckResult(check=check, passed=True, total=total)
        expected = f"at least {low:,}" if low is not None and total < low else f"at most {high:,}"
        reason = f"{run.asset.name} has {total:,} rows; the check expects {expected}."
    else:
        raise TypeError(f"no asset-level judge for check kind {check.kind!r}")
    finding = _finding(check, run, reason, 0, 0.0, [], [], None, evidence, score=1.0)
    return CheckResult(check=check, passed=False, total=total, finding=finding)


# -- findings -----------------------------------------------------------------------------------
def _finding(
    check: BaseCheck,
    run: _Runner,
    reason: str,
    count: int,
    share: float,
    key_cols: list[str],
    keys: list[Scalar | list[Scalar]],
    predicate: str | None,
    evidence: dict[str, Any],
    score: float | None = None,
) -> Finding:
    columns = check.checked_columns
    return Finding.raised(
        asset=run.asset.id,
        columns=columns,
        family=check.family,
        type=check.finding_type,
        severity=check.severity,
        reason=reason,
        rows=RowSet(
            count=count,
            share=share,
            key_columns=key_cols,
            keys=keys[:SAMPLE_KEYS],
            predicate=run.predicate_for_engine(predicate) if predicate else None,
        ),
        evidence=evidence,
        # Confidence that it matters: rises with the share; a broken contract is never trivial.
        score=score if score is not None else round(min(1.0, 0.5 + 0.5 * math.sqrt(min(share, 1.0))), 4),
        check=check.name,
    )


# -- proposed corrections -----------------------------------------------------------------------
def _correction(check: BaseCheck, values: list[tuple[Any, int]]) -> tuple[str, dict[str, str]] | None:
    """A sentence and a value -> fixed value map, where the fix can be told from the value alone."""
    fixes: dict[str, tuple[str, str]] = {}  # value -> (fixed, how)
    if isinstance(check, AllowedValuesCheck):
        allowed = {_fold(str(a)): str(a) for a in check.values if isinstance(a, str)}
        for value, _ in values:
            if isinstance(value, str) and _fold(value) in allowed:
                fixes[value] = (allowed[_fold(value)], "use the allowed spelling")
    elif isinstance(check, PatternCheck):
        full = re.compile(check.full_regex)
        for value, _ in values:
            if value is not None and not isinstance(value, list):
                fixed = _repair(str(value), check.format, full)
                if fixed:
                    fixes[str(value)] = fixed
    if not fixes:
        return None
    by_how: dict[str, list[str]] = defaultdict(list)
    for value, (fixed, how) in fixes.items():
        by_how[how].append(f"{value!r} -> {fixed!r}")
    sentence = "; ".join(f"{how}: {', '.join(pairs[:3])}" for how, pairs in by_how.items())
    return sentence, {value: fixed for value, (fixed, _) in fixes.items()}


def _fold(text: str) -> str:
    """Case, accents, spacing and separators aside: 'Em Trânsito ' ~ 'em_transito'."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s_-]+", " ", stripped).strip().casefold()


def _repair(value: str, fmt: str | None, full: re.Pattern[str]) -> tuple[str, str] | None:
    trimmed = value.strip()
    if trimmed != value and full.fullmatch(trimmed):
        return trimmed, "trim whitespace"
    digits = re.sub(r"[^0-9]", "", trimmed)
    if fmt == "zip_br" and re.fullmatch(r"[0-9]{1,4}", trimmed):
        return trimmed.zfill(5), "restore the leading zeros lost to a number type"
    if fmt == "cep_br" and re.fullmatch(r"[0-9]{5,7}", trimmed):
        return trimmed.zfill(8), "restore the leading zeros lost to a number type"
    if fmt == "phone_cn":
        local = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        if local != trimmed and full.fullmatch(local):
            return local, "drop the +86 prefix and separators"
    if fmt == "phone_e164" and digits and full.fullmatch("+" + digits) and trimmed != "+" + digits:
        return "+" + digits, "write as + and digits only"
    if fmt == "iso_date":
        m = re.fullmatch(
            r"([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})|([0-9]{4})([0-9]{2})([0-9]{2})", trimmed
        )
        if m:
            y, mo, d = (g for g in m.groups() if g is not None)
            fixed = f"{y}-{int(mo):02d}-{int(d):02d}"
            if full.fullmatch(fixed):
                return fixed, "write as YYYY-MM-DD"
    return None


# -- small helpers ------------------------------------------------------------------------------
def _find_asset(assets: Mapping[str, Asset], ref: str) -> Asset:
    if ref in assets:
        return assets[ref]
    matches = [a for a in assets.values() if ref in (a.id, a.name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise LookupError(f"{ref!r} names several assets ({', '.join(a.id for a in matches)}); use its id")
    raise LookupError(f"no asset named {ref!r}")


def _rows_of(asset: Asset) -> str:
    words = re.sub(r"[_\-]+", " ", asset.name).strip()
    # "order_items" reads as "order items"; a name that is not a plural noun gets "rows of".
    return words if words.endswith("s") else f"rows of {asset.name}"


def _listed(values: list[tuple[Any, int]], distinct: int) -> str:
    if not values:
        return ""
    shown = ", ".join(f"{v!r} ×{n:,}" for v, n in values[:VALUES_SHOWN])
    more = f" and {distinct - VALUES_SHOWN:,} more" if distinct > VALUES_SHOWN else ""
    return f": {shown}{more}"


def _scalar(value: Any, logical_type: str | None) -> Scalar:
    if isinstance(value, str) and logical_type in {"date", "timestamp"}:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.date().isoformat() if logical_type == "date" else moment.isoformat()
    return to_scalar(value)


def _order(value: Scalar | list[Scalar]) -> tuple[Any, ...]:
    """A sort key for mixed scalars and key tuples: numbers by value, then text, then NULL."""
    if isinstance(value, list):
        return tuple(_order(v) for v in value)
    if isinstance(value, int | float):
        return (0, value, "")
    return (1, 0, str(value)) if value is not None else (2, 0, "")


def _number(value: Any) -> Scalar:
    scalar = to_scalar(value)
    return round(scalar, 6) if isinstance(scalar, float) else scalar


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return naive_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return naive_utc(datetime.fromisoformat(str(value)))  # SQLite keeps timestamps as text


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:,.1f} days" if hours >= 48 else f"{hours:,.1f} hours"


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


__all__ = ["CheckResult", "run_checks"]
