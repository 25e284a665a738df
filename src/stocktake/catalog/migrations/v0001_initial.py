"""v0001: the initial layout.

Frozen: once released this module never changes, so a catalog created by any
version migrates the same way. Change the layout with a new vNNNN module and
update `stocktake.catalog.schema` to match.
"""

from __future__ import annotations

import sqlalchemy as sa

VERSION = 1
DESCRIPTION = "runs, sources, assets, columns, profiles, relationships, findings, verdicts"


def upgrade(conn: sa.Connection) -> None:
    md = sa.MetaData()
    _define_tables(md)
    md.create_all(conn)


def _run_fk() -> sa.Column[str]:
    return sa.Column(
        "run_id", sa.String, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True, nullable=False
    )


def _define_tables(md: sa.MetaData) -> None:
    sa.Table(
        "runs",
        md,
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("code_version", sa.String, nullable=False),
        sa.Column("source_count", sa.Integer, nullable=False),
        sa.Column("asset_count", sa.Integer, nullable=False),
        sa.Column("profile_count", sa.Integer, nullable=False),
        sa.Column("relationship_count", sa.Integer, nullable=False),
        sa.Column("finding_count", sa.Integer, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        # The Run without its assets/profiles/relationships/findings (those have their own tables).
        sa.Column("record", sa.Text, nullable=False),
        sa.Index("ix_runs_started_at", "started_at"),
    )

    sa.Table(
        "sources",
        md,
        _run_fk(),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("uri", sa.String, nullable=False),
    )

    sa.Table(
        "assets",
        md,
        _run_fk(),
        sa.Column("asset_id", sa.String, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("format", sa.String, nullable=False),
        sa.Column("location", sa.String, nullable=False),
        sa.Column("row_count", sa.BigInteger),
        sa.Column("byte_size", sa.BigInteger),
        sa.Column("last_modified", sa.DateTime),
        sa.Column("domain", sa.String),
        sa.Column("owner", sa.String),
        sa.Column("column_count", sa.Integer, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Index("ix_assets_asset_id", "asset_id"),
        sa.Index("ix_assets_name", "name"),
    )

    # Derived from Asset.columns (the asset's JSON is what reads rebuild from).
    sa.Table(
        "columns",
        md,
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("asset_id", sa.String, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("engine_type", sa.String, nullable=False),
        sa.Column("logical_type", sa.String, nullable=False),
        sa.Column("nullable", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id", "asset_id"], ["assets.run_id", "assets.asset_id"], ondelete="CASCADE"
        ),
    )

    sa.Table(
        "profiles",
        md,
        _run_fk(),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("asset_id", sa.String, nullable=False),
        sa.Column("column_name", sa.String, nullable=False),
        sa.Column("logical_type", sa.String, nullable=False),
        sa.Column("engine_type", sa.String, nullable=False),
        sa.Column("row_count", sa.BigInteger, nullable=False),
        sa.Column("null_count", sa.BigInteger, nullable=False),
        sa.Column("null_like_count", sa.BigInteger, nullable=False),
        sa.Column("distinct_count", sa.BigInteger),
        sa.Column("distinct_exact", sa.Boolean, nullable=False),
        sa.Column("semantic_type", sa.String),
        sa.Column("pii_kind", sa.String),
        sa.Column("record", sa.Text, nullable=False),
        sa.Index("ix_profiles_asset", "run_id", "asset_id"),
    )

    sa.Table(
        "relationships",
        md,
        _run_fk(),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("from_asset", sa.String, nullable=False),
        sa.Column("from_columns", sa.Text, nullable=False),  # JSON list
        sa.Column("to_asset", sa.String, nullable=False),
        sa.Column("to_columns", sa.Text, nullable=False),  # JSON list
        sa.Column("coverage", sa.Float, nullable=False),
        sa.Column("orphan_count", sa.BigInteger, nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
    )

    # Finding ids are stable across runs (Finding.make_id), hence the (run_id, finding_id) key.
    sa.Table(
        "findings",
        md,
        _run_fk(),
        sa.Column("finding_id", sa.String, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("asset_id", sa.String, nullable=False),
        sa.Column("columns", sa.Text, nullable=False),  # JSON list
        sa.Column("type", sa.String, nullable=False),
        sa.Column("family", sa.String, nullable=False),
        sa.Column("severity", sa.String, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("row_count", sa.BigInteger, nullable=False),
        sa.Column("row_share", sa.Float, nullable=False),
        sa.Column("check_name", sa.String),
        sa.Column("record", sa.Text, nullable=False),
        sa.Index("ix_findings_finding_id", "finding_id"),
        sa.Index("ix_findings_asset", "run_id", "asset_id"),
    )

    # A person's review of a finding; follows the finding id across runs.
    sa.Table(
        "verdicts",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.String, nullable=False),
        sa.Column("run_id", sa.String, sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("verdict", sa.String, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("reviewer", sa.String),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.CheckConstraint("verdict IN ('confirmed', 'rejected', 'fixed')", name="ck_verdicts_verdict"),
        sa.Index("ix_verdicts_finding_id", "finding_id"),
    )
