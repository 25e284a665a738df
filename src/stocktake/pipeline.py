"""One run over one or more sources: discover, profile, find, relate, and hand back a Run record."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from stocktake.checks.impact import add_impact
from stocktake.checks.key_types import key_type_findings
from stocktake.checks.orphans import orphan_findings
from stocktake.checks.profile_rules import RuleOptions, findings_from_profiles
from stocktake.connectors import open_source
from stocktake.core.errors import StocktakeError
from stocktake.core.records import Run
from stocktake.engines.profiling import ProfileOptions, profile_asset
from stocktake.semantics import discover_relationships

if TYPE_CHECKING:
    from stocktake.connectors.base import Connector
    from stocktake.engines.base import Engine

# progress(stage, done, total, label): called as work advances; the CLI draws bars from it.
ProgressHook = Callable[[str, int, int, str], None]


def code_version() -> str:
    try:
        return version("stocktake")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@dataclass
class ScanOptions:
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    rules: RuleOptions = field(default_factory=RuleOptions)
    findings: bool = True
    relationships: bool = True


def _one_line(exc: Exception) -> str:
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    return text if isinstance(exc, StocktakeError) else f"{type(exc).__name__}: {text}"


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    progress: ProgressHook | None = None,
) -> Run:
    """Take stock of `sources` (paths, globs or database URLs) and return the run.

    A source that cannot be opened raises a StocktakeError (a user mistake); an asset that
    fails while profiling is recorded in `run.errors` and the run goes on. All sources stay
    open until the end, because relationships are discovered across them.
    """
    opts = options or ScanOptions()
    notify = progress or (lambda *_: None)
    started = datetime.now(UTC)
    run = Run(id=new_run_id(started), started_at=started, code_version=code_version())
    with ExitStack() as stack:
        engines: dict[str, Engine] = {}
        for spec in sources:
            connector = stack.enter_context(open_source(spec))
            _unique_source_name(connector, engines)
            engines[connector.source.name] = _profile_source(connector, spec, run, opts, notify)
        if opts.relationships and run.assets:
            notify("relate", 0, 1, f"{len(run.assets)} assets")
            notes: list[str] = []
            run.relationships = discover_relationships(run.assets, run.profiles, engines, notes=notes)
            run.errors.extend(notes)
            if opts.findings:
                run.findings.extend(orphan_findings(run.relationships, run.assets, run.profiles, engines))
                run.findings.extend(key_type_findings(run.relationships, run.assets))
            notify("relate", 1, 1, f"{len(run.relationships)} relationships")
        if opts.findings and run.relationships:
            rows = {a.id: a.row_count or 0 for a in run.assets}
            run.findings = add_impact(
                run.findings, run.relationships, rows, assets=run.assets, engines_by_source=engines
            )
    run.finished_at = datetime.now(UTC)
    return run


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
    for i, asset in enumerate(assets):
        notify("profile", i, len(assets), asset.name)
        try:
            profiles = profile_asset(engine, asset, opts.profile)
            findings = findings_from_profiles(engine, asset, profiles, opts.rules) if opts.findings else []
        except Exception as exc:  # an engine error on one asset must not lose the others
            run.errors.append(f"{asset.id}: {_one_line(exc)}")
            continue
        if asset.row_count is None and profiles:
            asset.row_count = profiles[0].row_count
        run.assets.append(asset)
        run.profiles.extend(profiles)
        run.findings.extend(findings)
    notify("profile", len(assets), len(assets), connector.source.name)
    return engine
