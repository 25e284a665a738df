"""SparkEngine: the transpiled declarations, run by Spark SQL where the data lives."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import sqlglot
from sqlglot import exp

from stocktake.core.errors import UnsupportedFormatError
from stocktake.engines.base import Engine

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from stocktake.core.records import Asset


# approx_count_distinct's relative standard deviation: HyperLogLog++ with 2^14 registers
# (about 12 KiB per column per task), near DuckDB's own estimate.
DISTINCT_RSD = 0.01


class SparkEngine(Engine):
    name: ClassVar[str] = "spark"
    dialect: ClassVar[str] = "spark"
    approx_distinct: ClassVar[bool] = True  # HyperLogLog++ (approx_count_distinct)
    quantiles: ClassVar[Literal["aggregate", "within_group", "offset"]] = "aggregate"
    approx_quantiles: ClassVar[bool] = True  # percentile_approx: mergeable sketches per partition
    regexp_replace: ClassVar[bool] = True
    filter_clause: ClassVar[bool] = True
    grouped_profiles: ClassVar[bool] = False

    def __init__(self, session: SparkSession, relations: dict[str, str] | None = None) -> None:
        self.session = session
        # asset id -> SQL naming it: a temporary view over files, or a catalog table
        self.relations: dict[str, str] = dict(relations or {})
        self._views: list[str] = []
        # asset id -> why Spark cannot read it; naming it raises, and the run records the reason
        self.unreadable: dict[str, str] = {}
        self._lock = threading.Lock()

    def relation(self, asset: Asset) -> str:
        if asset.id in self.unreadable:
            raise UnsupportedFormatError(f"{asset.name}: {self.unreadable[asset.id]}")
        return self.relations.get(asset.id) or self.relation_for(asset.location)

    def relation_for(self, qualified_name: str) -> str:
        """`db.table` (or `catalog.db.table`) quoted part by part."""
        return ".".join(self.quote(part) for part in qualified_name.split("."))

    def register_view(self, asset: Asset, frame: DataFrame) -> str:
        """Name `frame` for SQL as a session-scoped temporary view; returns the quoted name."""
        view = f"stocktake_{id(self):x}_{len(self._views) + 1:04d}"
        frame.createOrReplaceTempView(view)
        self._views.append(view)
        self.relations[asset.id] = self.quote(view)
        return self.relations[asset.id]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        # Spark binds `?` markers itself (positional parameters, Spark 3.5+).
        with self._lock:
            frame = self.session.sql(sql, args=list(params)) if params else self.session.sql(sql)
            return list(frame.columns), [tuple(row) for row in frame.collect()]

    def close(self) -> None:
        # The session may belong to the caller (a notebook, a job): drop only our views.
        for view in self._views:
            self.session.catalog.dropTempView(view)
        self._views.clear()

    def pattern_expr(self, column_sql: str) -> str:
        # Spark's regexp_replace replaces every match (Java regex) and takes no flags.
        inner = f"substr(CAST({column_sql} AS STRING), 1, 64)"
        for cls, repl in (("[A-Z]", "A"), ("[a-z]", "a"), ("[0-9]", "9")):
            inner = f"regexp_replace({inner}, '{cls}', '{repl}')"
        return inner

    def transpile(self, duckdb_sql: str) -> str:
        """sqlglot's Spark SQL, except that exact quantiles become one PERCENTILE_DISC each.

        DuckDB's QUANTILE_DISC(x, [..]) has no Spark spelling with a list; Spark's exact
        percentile() interpolates. PERCENTILE_DISC(q) WITHIN GROUP (ORDER BY x) has the same
        meaning as DuckDB's and PostgreSQL's, so small tables get identical quantiles.
        """
        tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
        for node in list(tree.find_all(exp.PercentileDisc)):
            node.replace(_disc_array(node))
        for node in tree.find_all(exp.ApproxDistinct):
            if node.args.get("accuracy") is None:  # Spark's default is 5 % relative error
                node.set("accuracy", exp.Literal.number(DISTINCT_RSD))
        return tree.sql(dialect="spark")


def _disc_array(node: exp.PercentileDisc) -> exp.Expression:
    # Built as an anonymous function: sqlglot's Spark writer would turn PERCENTILE_DISC into
    # PERCENTILE_APPROX, which is not the same answer.
    column, fractions = node.this, node.expression
    items = fractions.expressions if isinstance(fractions, exp.Array) else [fractions]
    order = exp.Order(expressions=[exp.Ordered(this=column.copy())])
    parts = [
        exp.WithinGroup(this=exp.Anonymous(this="PERCENTILE_DISC", expressions=[i.copy()]), expression=order)
        for i in items
    ]
    return exp.Array(expressions=parts) if isinstance(fractions, exp.Array) else parts[0]
