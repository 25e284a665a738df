"""Closed vocabularies, defined once and used verbatim everywhere.

CLI flags, YAML keys, JSON fields, the catalog and the report all spell these
values exactly as written here; nothing else may invent a new spelling.
"""

from __future__ import annotations

from enum import StrEnum


class FindingType(StrEnum):
    MISSING_VALUES = "missing_values"
    DUPLICATE_KEY = "duplicate_key"
    DUPLICATE_RECORD = "duplicate_record"
    ORPHAN_REFERENCE = "orphan_reference"
    OUT_OF_RANGE = "out_of_range"
    INVALID_FORMAT = "invalid_format"
    TEMPORAL_ORDER = "temporal_order"
    FUTURE_TIMESTAMP = "future_timestamp"
    MISSING_PARTITION = "missing_partition"
    VOLUME_ANOMALY = "volume_anomaly"
    SCHEMA_DRIFT = "schema_drift"
    OUTLIER_VALUE = "outlier_value"
    CATEGORY_MISMATCH = "category_mismatch"
    CROSS_SOURCE_CONFLICT = "cross_source_conflict"
    NEAR_DUPLICATE_ENTITY = "near_duplicate_entity"
    PII_EXPOSURE = "pii_exposure"
    BOT_TRAFFIC = "bot_traffic"
    TEXT_GARBAGE = "text_garbage"


class CheckFamily(StrEnum):
    COMPLETENESS = "completeness"
    UNIQUENESS = "uniqueness"
    VALIDITY = "validity"
    CONSISTENCY = "consistency"
    ACCURACY = "accuracy"
    FRESHNESS = "freshness"
    VOLUME = "volume"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


class FindingStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    FIXED = "fixed"


# Which family a finding type belongs to when a detector (not a declared check) raises it.
FAMILY_OF_TYPE: dict[FindingType, CheckFamily] = {
    FindingType.MISSING_VALUES: CheckFamily.COMPLETENESS,
    FindingType.MISSING_PARTITION: CheckFamily.COMPLETENESS,
    FindingType.DUPLICATE_KEY: CheckFamily.UNIQUENESS,
    FindingType.DUPLICATE_RECORD: CheckFamily.UNIQUENESS,
    FindingType.INVALID_FORMAT: CheckFamily.VALIDITY,
    FindingType.TEXT_GARBAGE: CheckFamily.VALIDITY,
    FindingType.PII_EXPOSURE: CheckFamily.VALIDITY,
    FindingType.OUT_OF_RANGE: CheckFamily.ACCURACY,
    FindingType.OUTLIER_VALUE: CheckFamily.ACCURACY,
    FindingType.TEMPORAL_ORDER: CheckFamily.ACCURACY,
    FindingType.FUTURE_TIMESTAMP: CheckFamily.ACCURACY,
    FindingType.CATEGORY_MISMATCH: CheckFamily.ACCURACY,
    FindingType.BOT_TRAFFIC: CheckFamily.ACCURACY,
    FindingType.ORPHAN_REFERENCE: CheckFamily.CONSISTENCY,
    FindingType.CROSS_SOURCE_CONFLICT: CheckFamily.CONSISTENCY,
    FindingType.NEAR_DUPLICATE_ENTITY: CheckFamily.CONSISTENCY,
    FindingType.SCHEMA_DRIFT: CheckFamily.CONSISTENCY,
    FindingType.VOLUME_ANOMALY: CheckFamily.VOLUME,
}

# Strings that mean "no value" although they are not SQL NULL. Compared after trimming and lower-casing.
NULL_LIKE_TOKENS: tuple[str, ...] = ("", "nan", "null", "none", "empty", "-", "n/a")

# Quantiles every numeric / temporal profile reports.
PROFILE_QUANTILES: tuple[float, ...] = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)

# Evidence key of a finding's sample rows ({column: value} each; checks/sample_rows.py), masked
# column by column before output (semantics/redact_run.py).
SAMPLE_ROWS_KEY = "sample_rows"
