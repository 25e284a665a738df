"""Write checks as contract YAML (the format stocktake.checks.contract_yaml reads), with rationale comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from stocktake.core.checks import BaseCheck
from stocktake.core.vocab import Severity

# Written by the contract itself (dataset key, who declared it), never per check.
_NOT_PARAMS = {"asset", "origin", "kind"}


def render_contract(checks: Sequence[tuple[BaseCheck, str | None]], header: str | None = None) -> str:
    """YAML text: one `datasets:` block per asset, each check preceded by `# rationale`."""
    lines: list[str] = []
    if header:
        lines += [f"# {line}" if line else "#" for line in header.splitlines()]
    by_asset: dict[str, list[tuple[BaseCheck, str | None]]] = {}
    for check, why in checks:
        by_asset.setdefault(check.asset, []).append((check, why))
    if not by_asset:
        lines.append("datasets: {}")
        return "\n".join(lines) + "\n"
    lines.append("datasets:")
    for asset, items in by_asset.items():
        lines.append(f"  {_flow(asset)}:")
        lines.append("    checks:")
        for check, why in items:
            if why:
                lines.append(f"      # {' '.join(why.splitlines())}")
            lines.append(f"      - {check.kind}: {_flow(check_params(check))}")
    return "\n".join(lines) + "\n"


def check_params(check: BaseCheck) -> dict[str, Any]:
    """The parameters a contract writes for `check`: defaults left out, severity as warn/fail."""
    params = check.model_dump(mode="json", exclude_defaults=True, exclude=_NOT_PARAMS | {"severity", "name"})
    if "name" in check.to_dict():  # a name of its own, not the derived one
        params = {"name": check.name, **params}
    if check.severity in (Severity.ERROR, Severity.CRITICAL):
        params["severity"] = "fail"
    return params


def _flow(value: Any) -> str:
    """One-line YAML for a value, quoted wherever YAML would read it differently."""
    return (
        yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False)
        .removesuffix("\n...\n")
        .strip()
    )


__all__ = ["check_params", "render_contract"]
