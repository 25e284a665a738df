"""Read a YAML data contract into typed checks; every mistake is one line naming file:line and the key.

The format (see docs/contracts.md) follows SodaCL conventions:

    as_of: 2026-11-20                 # optional: "now" for not_future and freshness
    expected_assets: [orders, users]  # optional: assets the scan must find
    datasets:
      orders:                         # asset name or id
        owner: sales-data
        required_columns: [order_id, paid_at]
        checks:
          - not_null: {columns: [order_id]}
          - pattern: {column: email, format: email, severity: fail}

Parsing only: running the checks is stocktake.checks.run's job. Line numbers come from
yaml's composed node tree, which keeps each node's position.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stocktake.core.checks import BaseCheck, CheckDeclarationError, check_from_dict
from stocktake.core.errors import StocktakeError

TOP_KEYS = ("datasets", "expected_assets", "as_of")
DATASET_KEYS = ("owner", "domain", "description", "required_columns", "checks")
SEVERITIES = ("warn", "fail")
# Filled in from the dataset key and the contract itself, never written per check.
RESERVED_PARAMS = ("asset", "origin")


class ContractError(StocktakeError):
    """A contract file that cannot be read or does not validate (exit code 3)."""


@dataclass
class DatasetContract:
    key: str  # asset name or id, as written
    line: int
    owner: str | None = None
    domain: str | None = None
    description: str | None = None
    required_columns: list[str] = field(default_factory=list)
    checks: list[BaseCheck] = field(default_factory=list)


@dataclass
class Contract:
    path: str
    datasets: dict[str, DatasetContract] = field(default_factory=dict)
    expected_assets: list[str] = field(default_factory=list)
    as_of: datetime | None = None

    @property
    def checks(self) -> list[BaseCheck]:
        return [check for dataset in self.datasets.values() for check in dataset.checks]


def load_contract(path: str | Path) -> Contract:
    """Read and validate a contract file; ContractError on the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContractError(f"{path}: cannot read the contract: {exc}") from None
    return parse_contract(text, str(path))


def parse_contract(text: str, filename: str = "stocktake.yml") -> Contract:
    """Validate contract `text`; errors name `filename` and the line."""
    return _Reader(filename).contract(_compose(text, filename))


def _compose(text: str, filename: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        if "block" in what or "mapping values" in what:
            what += " (check the indentation)"
        raise ContractError(f"{filename}:{line}: YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:  # e.g. a control character: the reader's message spans lines
        raise ContractError(f"{filename}: YAML syntax error: {' '.join(str(exc).split())}") from None


class _Reader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self._constructor = SafeConstructor()

    def fail(self, node: Node, path: str, message: str) -> ContractError:
        where = f"{path}: " if path else ""
        return ContractError(f"{self.filename}:{node.start_mark.line + 1}: {where}{message}")

    # -- structure ------------------------------------------------------------------------------
    def contract(self, root: Node | None) -> Contract:
        contract = Contract(path=self.filename)
        if root is None:
            return contract  # an empty file declares nothing
        top = self.mapping(root, "", TOP_KEYS)
        if "as_of" in top:
            contract.as_of = self.moment(*top["as_of"], "as_of")
        if "expected_assets" in top:
            contract.expected_assets = self.strings(*top["expected_assets"], "expected_assets")
        if "datasets" in top:
            _, datasets = top["datasets"]
            for key_node, block in self.pairs(datasets, "datasets"):
                key = self.text(key_node, "datasets")
                contract.datasets[key] = self.dataset(key, key_node, block)
        return contract

    def dataset(self, key: str, key_node: Node, block: Node) -> DatasetContract:
        path = f"datasets.{key}"
        dataset = DatasetContract(key=key, line=key_node.start_mark.line + 1)
        if isinstance(block, ScalarNode) and block.value == "":
            return dataset  # `orders:` with nothing under it
        fields = self.mapping(block, path, DATASET_KEYS)
        for name in ("owner", "domain", "description"):
            if name in fields:
                setattr(dataset, name, self.text(fields[name][1], f"{path}.{name}"))
        if "required_columns" in fields:
            dataset.required_columns = self.strings(*fields["required_columns"], f"{path}.required_columns")
        if "checks" in fields:
            _, items = fields["checks"]
            if not isinstance(items, SequenceNode):
                raise self.fail(items, f"{path}.checks", "expected a list of checks (`- kind: {...}`)")
            names: dict[str, int] = {}
            for i, item in enumerate(items.value):
                check = self.check(key, item, f"{path}.checks[{i}]")
                if check.name in names:
                    raise self.fail(
                        item,
                        f"{path}.checks[{i}]",
                        f"same check as checks[{names[check.name]}] ({check.name!r}); give one a 'name'",
                    )
                names[check.name] = i
                dataset.checks.append(check)
        return dataset

    def check(self, asset: str, item: Node, path: str) -> BaseCheck:
        if not isinstance(item, MappingNode) or len(item.value) != 1:
            raise self.fail(item, path, "each check is a one-key mapping, e.g. `- not_null: {columns: [id]}`")
        kind_node, params_node = item.value[0]
        kind = self.text(kind_node, path)
        path = f"{path}.{kind}"
        params: dict[str, Any] = {}
        lines: dict[str, Node] = {}
        if not (isinstance(params_node, ScalarNode) and params_node.value == ""):
            for key_node, value_node in self.pairs(params_node, path):
                name = self.text(key_node, path)
                if name in RESERVED_PARAMS:
                    raise self.fail(key_node, path, f"{name!r} is set by the contract, not per check")
                params[name] = self.value(value_node)
                lines[name] = key_node
        severity = params.get("severity")
        if severity is not None and severity not in SEVERITIES:
            raise self.fail(lines["severity"], path, f"severity must be 'warn' or 'fail', not {severity!r}")
        try:
            return check_from_dict(kind, {**params, "asset": asset, "origin": "declared"})
        except CheckDeclarationError as exc:
            problem = _first_problem(exc.problems, lines)
            raise self.fail(_node_for(problem, lines, kind_node), path, problem) from None

    # -- values ---------------------------------------------------------------------------------
    def pairs(self, node: Node, path: str) -> list[tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, path, f"expected a mapping, found {_shape(node)}")
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = self.text(key_node, path)
            if key in seen:
                raise self.fail(key_node, path, f"key {key!r} appears twice")
            seen.add(key)
        return list(node.value)

    def mapping(self, node: Node, path: str, allowed: tuple[str, ...]) -> dict[str, tuple[Node, Node]]:
        out = {}
        for key_node, value_node in self.pairs(node, path):
            key = self.text(key_node, path)
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                near = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(
                    key_node, path, f"unknown key {key!r}{near}; known keys: {', '.join(allowed)}"
                )
            out[key] = (key_node, value_node)
        return out

    def text(self, node: Node, path: str) -> str:
        value = self.value(node)
        if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
            raise self.fail(node, path, f"expected a name, found {_shape(node)}")
        return str(value)

    def strings(self, key_node: Node, node: Node, path: str) -> list[str]:
        if isinstance(node, ScalarNode):
            return [self.text(node, path)]  # one name without a list
        if not isinstance(node, SequenceNode):
            raise self.fail(node, path, f"expected a list of names, found {_shape(node)}")
        return [self.text(item, path) for item in node.value]

    def moment(self, key_node: Node, node: Node, path: str) -> datetime:
        value = self.value(node)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise self.fail(node, path, f"not an ISO date or timestamp: {value!r}") from None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        raise self.fail(node, path, f"expected an ISO date or timestamp, found {_shape(node)}")

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)


def _first_problem(problems: list[str], lines: dict[str, Node]) -> str:
    """The most telling problem: a misspelt key explains a 'missing' one, so it goes first."""
    ordered = sorted(problems, key=lambda p: not p.startswith("unknown parameter"))
    problem = ordered[0].split("; parameters:")[0]
    # 'min.int: Input should be ...' (pydantic's union branch) reads better as 'min: ...'
    return re.sub(r"^(\w+)\.[\w\[\]-]+: ", r"\1: ", problem)


def _node_for(problem: str, lines: dict[str, Node], fallback: Node) -> Node:
    """The parameter a check-declaration problem is about, to point at its line."""
    for name, node in lines.items():
        if f"'{name}'" in problem.split(":")[0] or problem.startswith((f"{name}:", f"{name}.")):
            return node
    return fallback


def _shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"{node.value!r}" if node.value != "" else "nothing"


__all__ = ["Contract", "ContractError", "DatasetContract", "load_contract", "parse_contract"]
