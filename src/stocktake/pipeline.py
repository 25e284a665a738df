"""One run over one or more sources: discover, profile, find, relate, and hand back a Run record."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from stocktake.checks.conflicts import cross_source_conflicts
from stocktake.checks.impact import add_impact
from stocktake.checks.key_types import key_type_findings
from stocktake.checks.orphans import orphan_findings
from stocktake.checks.profile_rules import RuleOptions, findings_from_profiles
from stocktake.checks.read_problems import read_problem_findings
from stocktake.checks.run import run_checks
from stocktake.checks.sample_rows import attach_sample_rows
from stocktake.checks.spelling import spelling_variant_findings
from stocktake.checks.suggest import keep_confirmed, suggest_checks
from stocktake.connectors import open_source
from stocktake.connectors._sql_common import describe_timeout
from stocktake.core.errors import StocktakeError
from stocktake.core.records import Finding, RowSet, Run
from stocktake.core.vocab import FindingType, Severity
from stocktake.detection.reviewed import reviewed_findings
from stocktake.detection.unsupervised import RecordOptions, record_findings
from stocktake.engines.profiling import ProfileOptions, profile_asset
from stocktake.engines.sampling import plan_sample, record_sample
from stocktake.semantics import discover_relationships
from stocktake.semantics.domains import tag_domains
from stocktake.semantics.pii_columns import PII_COLUMN_CHECK, pii_findings
from stocktake.semantics.semantic_types import tag_semantic_types

if TYPE_CHECKING:
    from stocktake.checks.contract_yaml import Contract
    from stocktake.checks.run import CheckResult
    from stocktake.checks.suggest import Suggestion
    from stocktake.connectors.base import Connector
    from stocktake.core.checks import BaseCheck
    from stocktake.core.records import Asset
    from stocktake.engines.base import Engine
    from stocktake.review.cells import AssetLabels

# progress(stage, done, total, label): called as work advances; the CLI draws bars from it.
ProgressHook = Callable[[str, int, int, str], None]


def code_version() -> str:
    try:
        return version("stocktake")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


DEFAULT_SAMPLE_ROWS = 10_000_000  # docs/robustness.md


@dataclass
class ScanOptions:
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    rules: RuleOptions = field(default_factory=RuleOptions)
    findings: bool = True
    relationships: bool = True
    suggest: bool = True  # run checks proposed from the profiles (stocktake.checks.suggest)
    contract: Contract | None = None  # declared checks, owners and expected assets
    # Assets with more rows (or an unknown count) are profiled over a sample this big; None: never.
    sample_rows: int | None = DEFAULT_SAMPLE_ROWS
    # Semantic types per column: "features" (numpy-only model, fast), "encoder" (fuses MiniLM
    # embeddings: more accurate, needs the [model] extra, ~30 s to load), or "off".
    semantic_types: str = "features"
    # Engine for file sources ("duckdb" or "spark"); databases are always profiled in place.
    engine: str = "duckdb"
    spark_master: str | None = None  # None: a running SparkSession, else local[*]
    record: RecordOptions | None = None  # record detectors' options, e.g. thresholds tuned by reviews
    # asset id -> cells people reviewed (stocktake.review.cells.review_labels); those assets get the
    # cell error detector trained on them (stocktake.detection.reviewed).
    review_labels: Mapping[str, AssetLabels] | None = None


@dataclass
class ScanOutcome:
    """A run plus what its checks said; `scan` hands back just the run."""

    run: Run
    check_results: list[CheckResult] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)  # the ones the data confirmed

    @property
    def failed_fail_level(self) -> list[CheckResult]:
        """Fail-level checks that failed or could not run: `stocktake check` exits 1 on these."""
        return [
            r
            for r in self.check_results
            if r.status != "passed" and r.check.severity in (Severity.ERROR, Severity.CRITICAL)
        ]


def _one_line(exc: Exception) -> str:
    timeout = describe_timeout(exc)
    if timeout:
        return timeout
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return text if isinstance(exc, StocktakeError) else f"{type(exc).__name__}: {text}"


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    progress: ProgressHook | None = None,
) -> Run:
    """Take stock of `sources` (paths, globs or database URLs) and return the run; see scan_with_checks."""
    return scan_with_checks(sources, options, progress).run


def scan_with_checks(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    progress: ProgressHook | None = None,
) -> ScanOutcome:
    """Take stock of `sources` (paths, globs or database URLs) and return the run.

    A source that cannot be opened raises a StocktakeError (a user mistake); an asset that
    fails while profiling is recorded in `run.errors` and the run goes on. All sources stay
    open until the end, because relationships are discovered across them.
    """
    opts = options or ScanOptions()
    notify = progress or (lambda *_: None)
    started = datetime.now(UTC)
    run = Run(id=new_run_id(started), started_at=started, code_version=code_version())
    outcome = ScanOutcome(run)
    with ExitStack() as stack:
        engines: dict[str, Engine] = {}
        for spec in sources:
            connector = stack.enter_context(open_source(spec))
            _unique_source_name(connector, engines)
            engines[connector.source.name] = _profile_source(connector, spec, run, opts, notify)
        if opts.semantic_types != "off" and run.profiles:
            notify("semantics", 0, 1, f"{len(run.profiles)} columns")
            # What each column is (semantics/semantic_types.py); domains and the report use it.
            tag_semantic_types(run, use_encoder=opts.semantic_types == "encoder")
            notify("semantics", 1, 1, f"{len(run.profiles)} columns")
        tag_domains(run)  # before the contract, which may name a domain of its own
        if opts.relationships and run.assets:
            notify("relate", 0, 1, f"{len(run.assets)} assets")
            notes: list[str] = []
            run.relationships = discover_relationships(run.assets, run.profiles, engines, notes=notes)
            run.errors.extend(notes)
            if opts.findings:
                run.findings.extend(orphan_findings(run.relationships, run.assets, run.profiles, engines))
                run.findings.extend(key_type_findings(run.relationships, run.assets))
                run.findings.extend(
                    cross_source_conflicts(
                        run.relationships, run.assets, run.profiles, engines, notes=run.errors
                    )
                )
            notify("relate", 1, 1, f"{len(run.relationships)} relationships")
        if opts.findings and run.assets:
            run.findings.extend(spelling_variant_findings(run.assets, run.profiles, engines))
        if opts.findings and (opts.suggest or opts.contract is not None):
            # Before impact: check findings get their downstream impact like the others.
            _run_checks(outcome, engines, opts, notify)
        if opts.findings and run.relationships:
            rows = {a.id: a.row_count or 0 for a in run.assets}
            run.findings = add_impact(
                run.findings, run.relationships, rows, assets=run.assets, engines_by_source=engines
            )
        if opts.findings and run.findings:
            # Last, with every finding known: a few whole rows for each, by its own predicate.
            attach_sample_rows(run.findings, run.assets, engines)
    run.finished_at = datetime.now(UTC)
    return outcome


def _unique_source_name(connector: Connector, engines: dict[str, Engine]) -> None:
    # Two folders called "data": keep asset ids unique across the run.
    if connector.source.name in engines:
        connector.source.name = f"{connector.source.name}-{len(engines) + 1}"


def _profile_source(
    connector: Connector, spec: str, run: Run, opts: ScanOptions, notify: ProgressHook
) -> Engine:
    notify("discover", 0, 1, spec)
    assets = connector.discover()
    notify("discover", 1, 1, spec)
    run.errors.extend(getattr(connector, "errors", []))
    run.sources.append(connector.source)
    engine = connector.engine()
    if opts.engine == "spark" and connector.source.kind == "files":
        from stocktake.engines.spark import spark_engine_for_files  # imports pyspark only when asked

        engine = spark_engine_for_files(connector, assets, opts.spark_master)
    for i, asset in enumerate(assets):
        notify("profile", i, len(assets), asset.name)
        # Too big to read in full: profile and find over a bounded sample (engines/sampling.py).
        sample = None
        try:
            sample = plan_sample(engine, asset, opts.sample_rows)
            on_engine, on_asset = (sample.engine, sample.asset) if sample else (engine, asset)
            profiles = profile_asset(on_engine, on_asset, opts.profile)
            findings = (
                findings_from_profiles(on_engine, on_asset, profiles, opts.rules) if opts.findings else []
            )
            if opts.findings:  # what the connector had to work around, and damaged text
                findings += read_problem_findings(on_engine, on_asset, profiles)
            # Tags PII columns on their profiles (the inventory); only PII where it does not belong
            # (inside free text) is a finding: an email column in a users table is expected.
            pii = pii_findings(on_engine, on_asset, profiles)
            findings += [f for f in pii if f.check != PII_COLUMN_CHECK] if opts.findings else []
            if opts.findings:  # bots, text garbage, category mismatches (stocktake.detection.unsupervised)
                findings += record_findings(on_engine, on_asset, profiles, opts.record, notes=run.errors)
            if opts.findings and opts.review_labels and asset.id in opts.review_labels:
                findings += reviewed_findings(
                    on_engine, on_asset, profiles, opts.review_labels[asset.id], run.errors
                )
        except Exception as exc:  # an engine error on one asset must not lose the others
            run.errors.append(f"{asset.id}: {_one_line(exc)}")
            continue
        finally:
            if sample is not None:
                sample.release()
        if sample is not None and opts.sample_rows:
            record_sample(engine, asset, profiles[0].row_count if profiles else 0, opts.sample_rows)
        elif asset.row_count is None and profiles:
            asset.row_count = profiles[0].row_count
        run.assets.append(asset)
        run.profiles.extend(profiles)
        run.findings.extend(findings)
    notify("profile", len(assets), len(assets), connector.source.name)
    return engine


# -- checks: suggested and declared -------------------------------------------------------------
def _run_checks(
    outcome: ScanOutcome, engines: dict[str, Engine], opts: ScanOptions, notify: ProgressHook
) -> None:
    run = outcome.run
    declared = _apply_contract(run, opts.contract) if opts.contract is not None else []
    suggested = suggest_checks(run.assets, run.profiles, run.relationships) if opts.suggest else []
    # A declared check replaces a suggested one with the same name, or the same kind and columns.
    taken = {c.name for c, _ in declared} | {_identity(c, a) for c, a in declared}
    planned = list(declared)
    kept: list[Suggestion] = []
    for check, why in suggested:
        asset = _resolve(run.assets, check.asset)
        if asset is not None and check.name not in taken and _identity(check, asset) not in taken:
            planned.append((check, asset))
            kept.append((check, why))
    by_source: dict[str, list[BaseCheck]] = {}
    for check, asset in planned:
        by_source.setdefault(asset.source, []).append(check)
    results: list[CheckResult] = []
    for i, (source, checks) in enumerate(by_source.items()):
        notify("check", i, len(by_source), f"{len(checks)} checks on {source}")
        mine = [a for a in run.assets if a.source == source]
        assets_by_name = {a.name: a for a in mine} | {a.id: a for a in mine}
        try:
            results += run_checks(engines[source], assets_by_name, checks, opts.rules.as_of, run.profiles)
        except StocktakeError as exc:  # e.g. two declared checks with one name
            run.errors.append(f"checks on {source}: {_one_line(exc)}")
    notify("check", len(by_source), len(by_source), f"{len(results)} checks")
    outcome.suggestions = keep_confirmed(kept, results)
    confirmed = {c.name for c, _ in outcome.suggestions}
    # A suggestion the data breaks too often is not a rule: neither its result nor its finding stays.
    outcome.check_results = [r for r in results if r.check.origin != "suggested" or r.check.name in confirmed]
    seen = {(f.asset, f.type, c) for f in run.findings for c in f.columns}
    for result in outcome.check_results:
        if result.error:
            run.errors.append(f"check {result.check.name}: {result.error}")
        finding = result.finding
        if finding is None:
            continue
        # A suggested check that re-finds what a profile rule already reported adds nothing.
        if result.check.origin == "suggested" and any(
            (finding.asset, finding.type, c) in seen for c in finding.columns
        ):
            continue
        run.findings.append(finding)


def _identity(check: BaseCheck, asset: Asset) -> str:
    return f"{check.kind}:{asset.id}:{','.join(check.checked_columns)}:{check.other_asset or ''}"


def _resolve(assets: Sequence[Asset], key: str) -> Asset | None:
    """The asset a contract key names: its id, else its name when only one asset has it."""
    by_id = [a for a in assets if a.id == key]
    by_name = [a for a in assets if a.name == key]
    matches = by_id or by_name
    return matches[0] if len(matches) == 1 else None


def _apply_contract(run: Run, contract: Contract) -> list[tuple[BaseCheck, Asset]]:
    """Owners and domains onto assets, completeness findings; the declared checks with their asset."""
    planned: list[tuple[BaseCheck, Asset]] = []
    for key, dataset in contract.datasets.items():
        asset = _resolve(run.assets, key)
        if asset is None:
            if key not in contract.expected_assets:  # an expected one gets a finding below
                several = sum(a.name == key for a in run.assets) > 1
                why = "names several assets; use its id" if several else "matches no scanned asset"
                run.errors.append(f"{contract.path}:{dataset.line}: datasets.{key}: {why}")
            continue
        asset.owner = dataset.owner or asset.owner
        asset.domain = dataset.domain or asset.domain
        if dataset.description:
            asset.notes.append(f"contract: {dataset.description}")
        present = {c.name for c in asset.columns}
        for column in dataset.required_columns:
            if column not in present:
                reason = f"column {column} required by the contract is not in {asset.name}"
                run.findings.append(
                    _contract_finding(
                        asset.id, [column], FindingType.MISSING_VALUES, reason, asset.row_count or 0
                    )
                )
        planned += [(check, asset) for check in dataset.checks]
    for key in contract.expected_assets:
        if _resolve(run.assets, key) is None:
            reason = f"asset {key} expected by the contract was not found"
            run.findings.append(_contract_finding(key, [], FindingType.MISSING_PARTITION, reason, 0))
    return planned


def _contract_finding(asset: str, columns: list[str], type_: FindingType, reason: str, rows: int) -> Finding:
    check = f"contract:{asset}:{','.join(columns)}"
    return Finding.raised(
        asset=asset,
        columns=columns,
        type=type_,
        severity=Severity.WARNING,
        reason=reason,
        rows=RowSet(count=rows, share=1.0 if rows else 0.0),
        evidence={"rule": "declared in the contract"},
        score=1.0,
        check=check,
    )
