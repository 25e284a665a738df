"""Check declarations: what a rule says, as typed data, and nothing about how it runs.

Each kind is a frozen pydantic model with typed parameters, a stable `name`, the
family and finding type it raises, and `describe()`. Engines compile and run them
(see stocktake.checks.compile and stocktake.checks.run); YAML contracts build them
through `check_from_dict`, whose errors name the kind and the parameter at fault.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stocktake.core.errors import StocktakeError
from stocktake.core.records import Check
from stocktake.core.vocab import NULL_LIKE_TOKENS, CheckFamily, FindingType, Severity

Origin = Literal["builtin", "suggested", "declared"]
Bound = int | float | date | datetime  # date before datetime: "2024-01-01" stays a date
AllowedValue = bool | int | float | str

# Named formats for `pattern`: (regex, words). The regexes use only syntax that RE2 (DuckDB),
# PostgreSQL, PCRE/ICU (MariaDB/MySQL) and Python (SQLite) read alike: no \d (Unicode digits in
# Python), no `.` (PostgreSQL lets it match a newline), no backslashes (MySQL string escapes).
PATTERN_FORMATS: dict[str, tuple[str, str]] = {
    "email": ("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)*[.][A-Za-z]{2,}", "an e-mail address"),
    "phone_cn": ("1[3-9][0-9]{9}", "a Chinese mobile number (11 digits starting 13-19)"),
    "phone_e164": ("[+][1-9][0-9]{6,14}", "an E.164 phone number (+ and 7-15 digits)"),
    "iso_date": ("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", "an ISO date (YYYY-MM-DD)"),
    "iso_timestamp": (
        "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?",
        "an ISO timestamp (YYYY-MM-DD HH:MM[:SS])",
    ),
    "zip_br": ("[0-9]{5}", "a Brazilian zip prefix (5 digits)"),
    "cep_br": ("[0-9]{5}-?[0-9]{3}", "a Brazilian CEP (8 digits, optional dash)"),
    "uuid": ("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "a UUID"),
}

_SEVERITY_ALIASES = {"warn": Severity.WARNING, "fail": Severity.ERROR}


class CheckDeclarationError(StocktakeError, ValueError):
    """A check that cannot be built: unknown kind, unknown or bad parameters."""

    def __init__(self, kind: str, problems: list[str]) -> None:
        super().__init__(f"check {kind!r}: " + "; ".join(problems))
        self.kind = kind
        self.problems = problems


class BaseCheck(BaseModel):
    """A declared rule over one asset. Subclasses add typed parameters and class-level metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: ClassVar[str]
    family: ClassVar[CheckFamily]
    finding_type: ClassVar[FindingType]
    row_level: ClassVar[bool] = True  # False: judges the asset as a whole (row count, freshness)

    asset: str = Field(min_length=1)  # asset name or id
    severity: Severity = Severity.WARNING
    origin: Origin = "declared"
    # Stable identity (finding ids follow it). Defaults to kind:asset:target; set it to tell
    # apart two checks of one kind on the same columns.
    name: str = ""

    @field_validator("severity", mode="before")
    @classmethod
    def _severity_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _SEVERITY_ALIASES.get(value.lower(), value.lower())
        return value

    @model_validator(mode="after")
    def _default_name(self) -> BaseCheck:
        if not self.name:
            # Frozen model: the default is derived once, right after validation.
            object.__setattr__(self, "name", self._default_name_text())
        return self

    def _default_name_text(self) -> str:
        return f"{self.kind}:{self.asset}:{self._name_target()}"

    def _name_target(self) -> str:
        return ",".join(self.checked_columns) or _digest(self.params())

    @property
    def checked_columns(self) -> list[str]:
        """The asset's columns the rule is about (a finding's `columns`)."""
        return []

    @property
    def other_asset(self) -> str | None:
        """A second asset of the same source the rule reads (parent or child), if any."""
        return None

    def params(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"asset", "severity", "origin", "name"})

    def describe(self) -> str:
        """The rule in one sentence."""
        raise NotImplementedError

    def violation(self) -> str:
        """What a failing row does, to follow 'N of M rows': e.g. 'have no customer_id'."""
        return f"break the rule that {self.describe()}"

    def to_dict(self) -> dict[str, Any]:
        """The declaration as `check_from_dict` reads it back (plus its kind); a default name is left out."""
        out = {"kind": self.kind, **self.model_dump(mode="json")}
        if self.name == self._default_name_text():
            del out["name"]
        return out

    def to_record(self) -> Check:
        """The catalog's untyped record of this check."""
        return Check(
            name=self.name,
            family=self.family,
            asset=self.asset,
            columns=self.checked_columns,
            params=self.params(),
            severity=self.severity,
            origin=self.origin,
        )


class RowCheck(BaseCheck):
    """A rule each row must keep; `max_share` is the share of rows allowed to break it."""

    max_share: float = Field(default=0.0, ge=0.0, le=1.0)


def _columns_list(value: Any) -> Any:
    """YAML lets one column be written without a list."""
    return [value] if isinstance(value, str) else value


class _ColumnsCheck(RowCheck):
    columns: tuple[str, ...] = Field(min_length=1)

    @field_validator("columns", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _columns_list(value)

    @property
    def checked_columns(self) -> list[str]:
        return list(self.columns)


class _ColumnCheck(RowCheck):
    column: str = Field(min_length=1)

    @property
    def checked_columns(self) -> list[str]:
        return [self.column]


# -- completeness -----------------------------------------------------------------------------
class NotNullCheck(_ColumnsCheck):
    kind: ClassVar[str] = "not_null"
    family: ClassVar[CheckFamily] = CheckFamily.COMPLETENESS
    finding_type: ClassVar[FindingType] = FindingType.MISSING_VALUES

    def describe(self) -> str:
        tolerance = f" (at most {self.max_share:.1%} of rows may be)" if self.max_share else ""
        return f"{_join(self.columns)} of {self.asset} {'is' if len(self.columns) == 1 else 'are'} never NULL{tolerance}"

    def violation(self) -> str:
        if len(self.columns) == 1:
            return f"have no {self.columns[0]}"
        return f"miss at least one of {_join(self.columns)}"


class NullLikeCheck(_ColumnsCheck):
    kind: ClassVar[str] = "null_like"
    family: ClassVar[CheckFamily] = CheckFamily.COMPLETENESS
    finding_type: ClassVar[FindingType] = FindingType.MISSING_VALUES

    # Compared after trimming spaces and lower-casing.
    tokens: tuple[str, ...] = NULL_LIKE_TOKENS

    @field_validator("tokens")
    @classmethod
    def _normalise_tokens(cls, tokens: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.strip(" ").lower() for t in tokens))

    def describe(self) -> str:
        listed = ", ".join(repr(t) for t in self.tokens)
        return (
            f"{_join(self.columns)} of {self.asset} hold no text that stands for a missing value ({listed})"
        )

    def violation(self) -> str:
        return f"hold a placeholder for a missing value in {_join(self.columns, 'or')}"


# -- uniqueness -------------------------------------------------------------------------------
class UniqueCheck(_ColumnsCheck):
    kind: ClassVar[str] = "unique"
    family: ClassVar[CheckFamily] = CheckFamily.UNIQUENESS
    finding_type: ClassVar[FindingType] = FindingType.DUPLICATE_KEY

    def describe(self) -> str:
        what = self.columns[0] if len(self.columns) == 1 else f"({', '.join(self.columns)})"
        return f"{what} is unique in {self.asset} (rows with a NULL in it aside)"

    def violation(self) -> str:
        what = self.columns[0] if len(self.columns) == 1 else f"({', '.join(self.columns)})"
        return f"share their {what} with another row"


# -- validity ---------------------------------------------------------------------------------
class AllowedValuesCheck(_ColumnCheck):
    kind: ClassVar[str] = "allowed_values"
    family: ClassVar[CheckFamily] = CheckFamily.VALIDITY
    finding_type: ClassVar[FindingType] = FindingType.INVALID_FORMAT

    values: tuple[AllowedValue, ...] = Field(min_length=1)

    def describe(self) -> str:
        return f"{self.column} of {self.asset} is one of {', '.join(repr(v) for v in self.values)}"

    def violation(self) -> str:
        return f"have {_a(self.column)} {self.column} outside the allowed values"


class PatternCheck(_ColumnCheck):
    kind: ClassVar[str] = "pattern"
    family: ClassVar[CheckFamily] = CheckFamily.VALIDITY
    finding_type: ClassVar[FindingType] = FindingType.INVALID_FORMAT

    format: str | None = None  # a key of PATTERN_FORMATS
    regex: str | None = None  # matched case-sensitively against the whole value

    @model_validator(mode="after")
    def _one_pattern(self) -> PatternCheck:
        if (self.format is None) == (self.regex is None):
            raise ValueError("give exactly one of 'format' (a named format) or 'regex'")
        if self.format is not None and self.format not in PATTERN_FORMATS:
            raise ValueError(
                f"unknown format {self.format!r}{_did_you_mean(self.format, PATTERN_FORMATS)}; "
                f"known formats: {', '.join(PATTERN_FORMATS)}"
            )
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"regex {self.regex!r} does not compile: {exc}") from None
        return self

    @property
    def full_regex(self) -> str:
        """The regex every value must match from start to end."""
        return PATTERN_FORMATS[self.format][0] if self.format else str(self.regex)

    def describe(self) -> str:
        return f"every {self.column} of {self.asset} is {self._what()}"

    def violation(self) -> str:
        return f"have {_a(self.column)} {self.column} that is not {self._what()}"

    def _what(self) -> str:
        return PATTERN_FORMATS[self.format][1] if self.format else f"a full match of /{self.regex}/"


class RangeCheck(_ColumnCheck):
    kind: ClassVar[str] = "range"
    family: ClassVar[CheckFamily] = CheckFamily.ACCURACY
    finding_type: ClassVar[FindingType] = FindingType.OUT_OF_RANGE

    min: Bound | None = None
    max: Bound | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> RangeCheck:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None:
            try:
                ordered = self.min <= self.max  # type: ignore[operator]
            except TypeError:
                raise ValueError("'min' and 'max' must be of the same kind (numbers, dates)") from None
            if not ordered:
                raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self

    def interval(self) -> str:
        lo = "(-∞" if self.min is None else ("[" if self.min_inclusive else "(") + str(self.min)
        hi = "+∞)" if self.max is None else str(self.max) + ("]" if self.max_inclusive else ")")
        return f"{lo}, {hi}"

    def describe(self) -> str:
        return f"{self.column} of {self.asset} lies in {self.interval()}"

    def violation(self) -> str:
        return f"have {_a(self.column)} {self.column} outside {self.interval()}"


# -- consistency and business rules -----------------------------------------------------------
class RowRuleCheck(RowCheck):
    """A boolean SQL expression (DuckDB dialect) over one row; rows where it is NULL pass."""

    kind: ClassVar[str] = "row_rule"
    family: ClassVar[CheckFamily] = CheckFamily.CONSISTENCY
    finding_type: ClassVar[FindingType] = FindingType.OUT_OF_RANGE

    rule: str = Field(min_length=1)
    unless: str | None = None  # rows where this holds are exempt

    def describe(self) -> str:
        exempt = f" unless {self.unless}" if self.unless else ""
        return f"every row of {self.asset} satisfies {self.rule}{exempt}"

    def violation(self) -> str:
        exempt = f" (unless {self.unless})" if self.unless else ""
        return f"break the rule {self.rule}{exempt}"


class ColumnOrderCheck(RowCheck):
    """left <= right (left < right when strict) wherever both are set."""

    kind: ClassVar[str] = "column_order"
    family: ClassVar[CheckFamily] = CheckFamily.ACCURACY
    finding_type: ClassVar[FindingType] = FindingType.TEMPORAL_ORDER

    left: str = Field(min_length=1)
    right: str = Field(min_length=1)
    strict: bool = False

    @property
    def checked_columns(self) -> list[str]:
        return [self.left, self.right]

    def _op(self) -> str:
        return "<" if self.strict else "<="

    def describe(self) -> str:
        return f"{self.left} {self._op()} {self.right} in every row of {self.asset} where both are set"

    def violation(self) -> str:
        return f"have {self.left} {'>=' if self.strict else '>'} {self.right}"


class NotFutureCheck(_ColumnCheck):
    kind: ClassVar[str] = "not_future"
    family: ClassVar[CheckFamily] = CheckFamily.ACCURACY
    finding_type: ClassVar[FindingType] = FindingType.FUTURE_TIMESTAMP

    grace: timedelta = timedelta(0)  # clock skew tolerated past the run's as-of time

    def describe(self) -> str:
        return f"{self.column} of {self.asset} is never later than the run's as-of time"

    def violation(self) -> str:
        return f"have {self.column} in the future"


class FreshnessCheck(BaseCheck):
    kind: ClassVar[str] = "freshness"
    family: ClassVar[CheckFamily] = CheckFamily.FRESHNESS
    # The newest rows are missing: the closest finding type the vocabulary has.
    finding_type: ClassVar[FindingType] = FindingType.MISSING_PARTITION
    row_level: ClassVar[bool] = False

    column: str = Field(min_length=1)
    max_age: timedelta

    @field_validator("max_age")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("max_age must be positive")
        return value

    @property
    def checked_columns(self) -> list[str]:
        return [self.column]

    def describe(self) -> str:
        return f"the latest {self.column} of {self.asset} is at most {duration_words(self.max_age)} old"


class RowCountCheck(BaseCheck):
    kind: ClassVar[str] = "row_count"
    family: ClassVar[CheckFamily] = CheckFamily.VOLUME
    finding_type: ClassVar[FindingType] = FindingType.VOLUME_ANOMALY
    row_level: ClassVar[bool] = False

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> RowCountCheck:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self

    def _name_target(self) -> str:
        return "rows"

    def describe(self) -> str:
        if self.max is None:
            return f"{self.asset} has at least {self.min:,} rows"
        if self.min is None:
            return f"{self.asset} has at most {self.max:,} rows"
        return f"{self.asset} has between {self.min:,} and {self.max:,} rows"


class ReferencesCheck(RowCheck):
    """A foreign key: every non-NULL `columns` tuple exists as `parent_columns` in `parent`."""

    kind: ClassVar[str] = "references"
    family: ClassVar[CheckFamily] = CheckFamily.CONSISTENCY
    finding_type: ClassVar[FindingType] = FindingType.ORPHAN_REFERENCE

    columns: tuple[str, ...] = Field(min_length=1)
    parent: str = Field(min_length=1)  # asset name or id, in the same source
    parent_columns: tuple[str, ...] | None = None  # default: the same names as `columns`

    @field_validator("columns", "parent_columns", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _columns_list(value)

    @model_validator(mode="after")
    def _same_arity(self) -> ReferencesCheck:
        if self.parent_columns is not None and len(self.parent_columns) != len(self.columns):
            raise ValueError("'columns' and 'parent_columns' must list as many columns")
        return self

    @property
    def parent_key(self) -> tuple[str, ...]:
        return self.parent_columns or self.columns

    @property
    def checked_columns(self) -> list[str]:
        return list(self.columns)

    @property
    def other_asset(self) -> str | None:
        return self.parent

    def _name_target(self) -> str:
        return f"{','.join(self.columns)}->{self.parent}"

    def describe(self) -> str:
        return f"every {_join(self.columns)} of {self.asset} exists in {self.parent}.{_join(self.parent_key)}"

    def violation(self) -> str:
        return f"reference {_a(self.columns[0])} {_join(self.columns)} missing from {self.parent}"


class AggregateMatchCheck(RowCheck):
    """For each key, `expr` over this row equals `child_expr`, an aggregate over the child rows
    with the same key (no child rows: the aggregate counts as 0), within `tolerance`."""

    kind: ClassVar[str] = "aggregate_match"
    family: ClassVar[CheckFamily] = CheckFamily.CONSISTENCY
    finding_type: ClassVar[FindingType] = FindingType.CROSS_SOURCE_CONFLICT

    key: tuple[str, ...] = Field(min_length=1)
    child: str = Field(min_length=1)  # asset name or id, in the same source
    child_key: tuple[str, ...] | None = None  # default: the same names as `key`
    child_expr: str = Field(min_length=1)  # e.g. SUM(quantity * unit_price)
    expr: str = Field(min_length=1)  # e.g. total_amount - freight_value
    tolerance: float = Field(default=0.01, ge=0.0)

    @field_validator("key", "child_key", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _columns_list(value)

    @model_validator(mode="after")
    def _same_arity(self) -> AggregateMatchCheck:
        if self.child_key is not None and len(self.child_key) != len(self.key):
            raise ValueError("'key' and 'child_key' must list as many columns")
        return self

    @property
    def child_key_columns(self) -> tuple[str, ...]:
        return self.child_key or self.key

    @property
    def checked_columns(self) -> list[str]:
        return list(self.key)

    @property
    def other_asset(self) -> str | None:
        return self.child

    def _name_target(self) -> str:
        return f"{self.child}#{_digest(self.params())}"

    def describe(self) -> str:
        return (
            f"{self.expr} of each {self.asset} row equals {self.child_expr} over its {self.child} rows "
            f"(within {self.tolerance:g})"
        )

    def violation(self) -> str:
        return f"have {self.expr} differ from {self.child_expr} over {self.child} by more than {self.tolerance:g}"


CHECK_KINDS: dict[str, type[BaseCheck]] = {
    cls.kind: cls
    for cls in (
        NotNullCheck,
        NullLikeCheck,
        UniqueCheck,
        AllowedValuesCheck,
        PatternCheck,
        RangeCheck,
        RowRuleCheck,
        ColumnOrderCheck,
        NotFutureCheck,
        FreshnessCheck,
        RowCountCheck,
        ReferencesCheck,
        AggregateMatchCheck,
    )
}


def check_from_dict(kind: str, mapping: dict[str, Any]) -> BaseCheck:
    """Build a check of `kind` from plain parameters; CheckDeclarationError says what is wrong."""
    cls = CHECK_KINDS.get(kind)
    if cls is None:
        raise CheckDeclarationError(
            kind,
            [f"unknown check kind{_did_you_mean(kind, CHECK_KINDS)}; known kinds: {', '.join(CHECK_KINDS)}"],
        )
    try:
        return cls.model_validate(mapping)
    except ValidationError as exc:
        raise CheckDeclarationError(kind, [_problem(cls, err) for err in exc.errors()]) from None


def ensure_unique_names(checks: list[BaseCheck]) -> None:
    """Two checks with one name would share finding ids; say which and how to fix it."""
    seen: dict[str, BaseCheck] = {}
    for check in checks:
        if check.name in seen:
            raise CheckDeclarationError(
                check.kind,
                [f"two checks are named {check.name!r}; give one of them its own 'name'"],
            )
        seen[check.name] = check


# -- helpers -------------------------------------------------------------------------------------
def _problem(cls: type[BaseCheck], err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return (
            f"unknown parameter {loc!r}{_did_you_mean(str(err['loc'][0]), cls.model_fields)}; "
            f"parameters: {', '.join(cls.model_fields)}"
        )
    if err["type"] == "missing":
        return f"missing parameter {loc!r}"
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {message}" if loc else message


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _join(columns: tuple[str, ...] | list[str], word: str = "and") -> str:
    items = list(columns)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _a(word: str) -> str:
    # 'u' mostly sounds like 'you' in column names (a unit_price, a user_id)
    return "an" if word[:1].lower() in "aeio" else "a"


def _digest(params: dict[str, Any]) -> str:
    raw = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]


def duration_words(delta: timedelta) -> str:
    """'3 days', '36 hours', '90 seconds': the largest whole unit."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} seconds"


__all__ = [
    "CHECK_KINDS",
    "PATTERN_FORMATS",
    "AggregateMatchCheck",
    "AllowedValuesCheck",
    "BaseCheck",
    "CheckDeclarationError",
    "ColumnOrderCheck",
    "FreshnessCheck",
    "NotFutureCheck",
    "NotNullCheck",
    "NullLikeCheck",
    "PatternCheck",
    "RangeCheck",
    "ReferencesCheck",
    "RowCheck",
    "RowCountCheck",
    "RowRuleCheck",
    "UniqueCheck",
    "check_from_dict",
    "duration_words",
    "ensure_unique_names",
]
