"""A copy of a Run safe to write out: values of personal-data columns masked wherever they surface.

Values leak through profiles (min/max, top values, quantiles), finding rows (sample keys), finding
evidence (examples, corrections) and free text (reasons, review text quoted in top values). Every
value masked on the way is remembered, so a reason or predicate that quotes one verbatim is caught
even when the free-text pass would not recognise it (a person's name, say). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stocktake.core.records import ColumnProfile, Finding, Run, Scalar, ValueCount
from stocktake.core.vocab import NULL_LIKE_TOKENS, SAMPLE_ROWS_KEY
from stocktake.semantics.masking import DIGIT_KINDS, mask_in_text, mask_value

# Generic kind for a value whose column is personal but whose exact kind is unknown or mixed.
MIXED_KIND = "other"

# Evidence keys that hold values of the finding's columns ('sample_orphan_values', 'examples', ...).
_VALUE_KEY = re.compile(r"value|example|sample|canonical|spelling|correction|variant|duplicate|invalid")
_ROW_KEY_KEYS = frozenset({"key", "keys"})
# Evidence keys whose contents are descriptions, never values, even inside a value-holding block.
_DESCRIPTION_KEYS = frozenset({"differences", "count", "counts", "reason", "kind", "rule"})
# A dict key shaped like a field name is structure; anything else under a value block is a value.
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]*")

# Numbers under a value block are masked only when long enough to be a phone, card or ID number,
# so counts and ratios next to the values survive.
_MIN_DIGITS_OF_NUMBER_VALUE = 7

FREE_TEXT_SEMANTIC_TYPES: frozenset[str] = frozenset(
    {"free_text", "text", "review", "comment", "description", "message", "query", "address"}
)
_FREE_TEXT_MIN_LENGTH = 20


def redact_run(run: Run, show_pii: bool = False) -> Run:
    """Return a deep copy of `run` with personal data masked; with show_pii the run itself."""
    if show_pii:
        return run
    masker = _Masker(run)
    return run.model_copy(
        deep=True,
        update={
            "profiles": [masker.profile(p) for p in run.profiles],
            "findings": [masker.finding(f) for f in run.findings],
            "assets": [a.model_copy(update={"notes": [masker.text(n) for n in a.notes]}) for a in run.assets],
            "errors": [masker.text(e) for e in run.errors],
        },
    )


def _is_quotable(original: str) -> bool:
    """Whether a masked original is distinctive enough to search for inside other text."""
    text = original.strip()
    if text.lower() in NULL_LIKE_TOKENS or len(text) < 2 or text != original:
        return False
    # Short numbers ('100') are counts in a sentence far more often than quoted values.
    return not (text.isdecimal() and len(text) < _MIN_DIGITS_OF_NUMBER_VALUE)


def is_free_text(profile: ColumnProfile) -> bool:
    """A text column whose values are written by people (reviews, queries), not codes or labels."""
    if profile.logical_type != "string" or profile.pii_kind:
        return False
    if profile.semantic_type in FREE_TEXT_SEMANTIC_TYPES:
        return True
    if (profile.length_max or 0) >= _FREE_TEXT_MIN_LENGTH:
        return True
    return any(isinstance(vc.value, str) and " " in vc.value.strip() for vc in profile.top_values)


class _Masker:
    """Masks one run's values and remembers every original it masked, to scrub quotes of them."""

    def __init__(self, run: Run) -> None:
        self.kind_of: dict[tuple[str, str], str] = {
            (p.asset, p.column): p.pii_kind for p in run.profiles if p.pii_kind
        }
        self.kind_by_column_name: dict[str, str] = {col: kind for (_, col), kind in self.kind_of.items()}
        self.masked: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None
        self._pattern_size = 0
        # Profiles first: reasons and evidence may quote a top value of a PII column.
        for profile in run.profiles:
            if profile.pii_kind:
                for value in [profile.min, profile.max, *(vc.value for vc in profile.top_values)]:
                    self.value(profile.pii_kind, value)

    # -- values ---------------------------------------------------------------------------------
    def value(self, kind: str, value: Scalar) -> Scalar:
        masked = mask_value(kind, value)
        if masked != value and value is not None:
            self.masked[str(value)] = str(masked)
        return masked

    def text(self, text: str) -> str:
        """The free-text pass, then any remembered original still quoted verbatim."""
        text = mask_in_text(text)
        pattern = self._quote_pattern()
        return pattern.sub(lambda m: self.masked[m.group()], text) if pattern else text

    def quotes_masked_value(self, text: str) -> bool:
        pattern = self._quote_pattern()
        return mask_in_text(text) != text or bool(pattern and pattern.search(text))

    def _quote_pattern(self) -> re.Pattern[str] | None:
        """One alternation of every quotable original, rebuilt only when a new one was masked."""
        if self._pattern_size != len(self.masked):
            quotable = sorted((o for o in self.masked if _is_quotable(o)), key=len, reverse=True)
            # Longest first, so a value wins over a shorter one it contains; ASCII word edges so
            # the name 'Tom' does not hit 'Tomorrow'.
            alternatives = "|".join(re.escape(o) for o in quotable)
            self._pattern = (
                re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])") if quotable else None
            )
            self._pattern_size = len(self.masked)
        return self._pattern

    # -- profiles -------------------------------------------------------------------------------
    def profile(self, profile: ColumnProfile) -> ColumnProfile:
        kind = profile.pii_kind
        if kind:
            return profile.model_copy(
                update={
                    "min": self.value(kind, profile.min),
                    "max": self.value(kind, profile.max),
                    "top_values": [self._value_count(vc, kind) for vc in profile.top_values],
                    "quantiles": {q: self._quantile(kind, v) for q, v in profile.quantiles.items()},
                    "patterns": [self._shape(vc, kind) for vc in profile.patterns],
                }
            )
        if is_free_text(profile):
            return profile.model_copy(
                update={
                    "min": self._text_scalar(profile.min),
                    "max": self._text_scalar(profile.max),
                    "top_values": [
                        ValueCount(value=self._text_scalar(vc.value), count=vc.count)
                        for vc in profile.top_values
                    ],
                }
            )
        return profile

    def _shape(self, vc: ValueCount, kind: str) -> ValueCount:
        """Shapes map A-Z, a-z and 0-9 to A, a and 9 but keep every other character, so the shape of
        a Chinese name is the name itself: such shapes are masked, plain ones ('aaa@aaa.aaa') kept."""
        if isinstance(vc.value, str) and any(ch.isalnum() and ch not in "Aa9" for ch in vc.value):
            return self._value_count(vc, kind)
        return vc

    def _value_count(self, vc: ValueCount, kind: str) -> ValueCount:
        return ValueCount(value=self.value(kind, vc.value), count=vc.count)

    def _quantile(self, kind: str, value: Scalar) -> Scalar:
        # Quantiles of an age or a score say nothing about one person; of a phone number they do.
        if kind in DIGIT_KINDS or isinstance(value, str):
            return self.value(kind, value)
        return value

    def _text_scalar(self, value: Scalar) -> Scalar:
        return self.text(value) if isinstance(value, str) else value

    # -- findings -------------------------------------------------------------------------------
    def finding(self, finding: Finding) -> Finding:
        scope = _FindingScope.of(finding, self._asset_kinds(finding.asset))
        keys = [self._row_key(key, scope.key_kinds) for key in finding.rows.keys]
        evidence = {
            k: self._sample_rows(v, scope)
            if k == SAMPLE_ROWS_KEY
            else self._evidence(v, self._context(k, None, scope), scope)
            for k, v in finding.evidence.items()
        }
        # The predicate selects rows by their values: one that quotes a masked value cannot be
        # shown, and a masked one would silently select nothing, so it is dropped.
        predicate = finding.rows.predicate
        if predicate is not None and self.quotes_masked_value(predicate):
            predicate = None
        return finding.model_copy(
            update={
                "reason": self.text(finding.reason),
                "rows": finding.rows.model_copy(update={"keys": keys, "predicate": predicate}),
                "evidence": evidence,
            }
        )

    def _sample_rows(self, rows: Any, scope: _FindingScope) -> Any:
        """Whole rows (checks/sample_rows.py): each value masked as its own column's kind, if any."""
        if not isinstance(rows, list):
            return self._evidence(rows, None, scope)
        return [
            {
                col: self.value(scope.columns[col], v) if col in scope.columns else self._text_scalar(v)
                for col, v in row.items()
            }
            if isinstance(row, dict)
            else self._evidence(row, None, scope)
            for row in rows
        ]

    def _asset_kinds(self, asset: str) -> dict[str, str]:
        return {col: kind for (a, col), kind in self.kind_of.items() if a == asset}

    def _row_key(self, key: Scalar | list[Scalar], kinds: list[str | None]) -> Scalar | list[Scalar]:
        if isinstance(key, list):
            padded = kinds + [None] * (len(key) - len(kinds))
            return [self.value(kind, part) if kind else part for part, kind in zip(key, padded, strict=False)]
        kind = next((k for k in kinds if k), None)
        return self.value(kind, key) if kind else key

    def _context(self, key: str, inherited: str | None, scope: _FindingScope) -> str | None:
        """Which kind the values under an evidence key are masked as; None for the free-text pass."""
        if key in scope.columns:
            return scope.columns[key]
        if key in self.kind_by_column_name:
            return self.kind_by_column_name[key]
        if key in _ROW_KEY_KEYS:
            return scope.key_kind
        if key in _DESCRIPTION_KEYS:
            return None
        if scope.value_kind and _VALUE_KEY.search(key):
            return scope.value_kind
        return inherited

    def _evidence(self, node: Any, kind: str | None, scope: _FindingScope) -> Any:
        if isinstance(node, dict):
            return {
                self._evidence_key(k, kind): self._evidence(v, self._context(str(k), kind, scope), scope)
                for k, v in node.items()
            }
        if isinstance(node, list | tuple):
            return [self._evidence(item, kind, scope) for item in node]
        if isinstance(node, str):
            return self.value(kind, node) if kind else self.text(node)
        if isinstance(node, int | float) and not isinstance(node, bool) and kind in DIGIT_KINDS:
            digits = len(str(abs(int(node))))
            return self.value(kind, node) if digits >= _MIN_DIGITS_OF_NUMBER_VALUE else node
        return node

    def _evidence_key(self, key: Any, kind: str | None) -> Any:
        """Dict keys can be values too ({variant: canonical}, {row key: correction})."""
        if not isinstance(key, str):
            return key
        if kind and not _FIELD_NAME.fullmatch(key):
            return self.value(kind, key)
        return self.text(key)


@dataclass(frozen=True)
class _FindingScope:
    """What a finding's values are: the PII kinds of its asset's columns, keys and own columns."""

    columns: dict[str, str]
    key_kinds: list[str | None]
    key_kind: str | None
    value_kind: str | None

    @classmethod
    def of(cls, finding: Finding, columns: dict[str, str]) -> _FindingScope:
        key_kinds = [columns.get(col) for col in finding.rows.key_columns]
        own = {columns[col] for col in finding.columns if col in columns}
        value_kind = (own.pop() if len(own) == 1 else MIXED_KIND) if own else None
        return cls(columns, key_kinds, next((k for k in key_kinds if k), None), value_kind)


__all__ = ["FREE_TEXT_SEMANTIC_TYPES", "MIXED_KIND", "is_free_text", "redact_run"]
