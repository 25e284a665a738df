"""One run over one or more sources: discover, profile, find, and hand back a Run record."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

from stocktake.checks.profile_rules import RuleOptions, findings_from_profiles
from stocktake.connectors import open_source
from stocktake.core.errors import StocktakeError
from stocktake.core.records import Run
from stocktake.engines.profiling import ProfileOptions, profile_asset

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


def scan(
    sources: Sequence[str],
    options: ScanOptions | None = None,
    progress: ProgressHook | None = None,
) -> Run:
    """Take stock of `sources` (paths, globs or database URLs) and return the run.

    A source that cannot be opened raises a StocktakeError (a user mistake); an asset that
    fails while profiling is recorded in `run.errors` and the run goes on.
    """
    opts = options or ScanOptions()
    notify = progress or (lambda *_: None)
    started = datetime.now(UTC)
    run = Run(id=new_run_id(started), started_at=started, code_version=code_version())
    names: set[str] = set()
    for spec in sources:
        connector = open_source(spec)
        if connector.source.name in names:  # two folders called "data": keep asset ids unique
            connector.source.name = f"{connector.source.name}-{len(names) + 1}"
        names.add(connector.source.name)
        with connector:
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
                    findings = (
                        findings_from_profiles(engine, asset, profiles, opts.rules) if opts.findings else []
                    )
                except StocktakeError as exc:
                    run.errors.append(f"{asset.id}: {exc}")
                    continue
                except Exception as exc:  # an engine error on one asset must not lose the others
                    run.errors.append(f"{asset.id}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
                    continue
                if asset.row_count is None and profiles:
                    asset.row_count = profiles[0].row_count
                run.assets.append(asset)
                run.profiles.extend(profiles)
                run.findings.extend(findings)
            notify("profile", len(assets), len(assets), connector.source.name)
    run.finished_at = datetime.now(UTC)
    return run
