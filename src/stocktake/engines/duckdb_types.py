"""Map a DuckDB type string (as DESCRIBE prints it) to a core LogicalType.

Shared by every connector whose engine is DuckDB: files, DuckDB database files, and
anything registered as Arrow. Unknown or nested types map to "other" rather than failing,
so a new DuckDB type never breaks discovery.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stocktake.core.records import LogicalType

_NAMES_BY_TYPE: dict[LogicalType, str] = {
    "integer": "TINYINT SMALLINT INTEGER INT BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT UHUGEINT"
    " INT1 INT2 INT4 INT8 INT16 INT32 INT64 INT128 SHORT LONG SIGNED VARINT BIGNUM",
    "float": "FLOAT FLOAT4 FLOAT8 REAL DOUBLE",
    "decimal": "DECIMAL NUMERIC DEC",
    # UUID and ENUM values are compared, counted and pattern-profiled as text.
    "string": "VARCHAR CHAR BPCHAR TEXT STRING NVARCHAR CHARACTER UUID ENUM",
    "boolean": "BOOLEAN BOOL LOGICAL",
    "date": "DATE",
    "timestamp": "DATETIME",
    "binary": "BLOB BYTEA BINARY VARBINARY BIT BITSTRING",
}
_BY_BASE_NAME: dict[str, LogicalType] = {
    name: logical for logical, names in _NAMES_BY_TYPE.items() for name in names.split()
}

# The first word of the type, before any "(precision)" or "WITH TIME ZONE" suffix.
_BASE_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def logical_type(engine_type: str) -> LogicalType:
    """The logical type of a DuckDB column type, e.g. 'DECIMAL(10,2)' -> 'decimal'."""
    text = engine_type.strip().strip('"').upper()
    if text.endswith("]"):  # LIST (INTEGER[]) or fixed-size ARRAY (FLOAT[3])
        return "other"
    # All TIMESTAMP flavours (_S, _MS, _NS, TZ, WITH TIME ZONE) before TIME, which they start with.
    if text.startswith("TIMESTAMP"):
        return "timestamp"
    if text.startswith("TIME"):  # TIME, TIMETZ, TIME WITH TIME ZONE, TIME_NS
        return "time"
    match = _BASE_NAME.match(text)
    if match is None:
        return "other"
    return _BY_BASE_NAME.get(match.group(0), "other")


__all__ = ["logical_type"]
