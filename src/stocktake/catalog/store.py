"""The Catalog: save runs whole, read them back exactly, follow assets and findings across runs."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import sqlalchemy as sa
from pydantic import TypeAdapter

from stocktake.catalog import migrations, schema
from stocktake.catalog.connect import (
    WRITE_OPTION,
    catalog_errors,
    create_catalog_engine,
    ensure_schema,
    parse_catalog_url,
)
from stocktake.catalog.rows import RUN_BODY_FIELDS, run_rows
from stocktake.core.errors import CatalogError
from stocktake.core.records import Asset, ColumnProfile, Finding, Run, Source
from stocktake.core.vocab import FindingStatus

if TYPE_CHECKING:
    import os
    from types import TracebackType

_VERDICTS = (FindingStatus.CONFIRMED, FindingStatus.REJECTED, FindingStatus.FIXED)
_datetime = TypeAdapter(datetime)


@dataclass(frozen=True)
class RunSummary:
    id: str
    started_at: datetime
    finished_at: datetime | None
    code_version: str
    sources: list[Source]
    asset_count: int
    finding_count: int
    error_count: int


class AssetVersion(NamedTuple):
    run_id: str
    started_at: datetime
    asset: Asset


@dataclass(frozen=True)
class Verdict:
    finding_id: str
    verdict: FindingStatus
    run_id: str | None
    comment: str | None
    reviewer: str | None
    at: datetime  # UTC


class Catalog:
    """Runs and everything found in them, in SQLite (default) or PostgreSQL.

    Opening upgrades an older catalog to the current schema version and refuses
    one written by a newer Stocktake.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.target = parse_catalog_url(url)
        self.engine = create_catalog_engine(self.target)
        try:
            self.schema_version = self._open()
        except BaseException:
            self.engine.dispose()
            raise

    def _open(self) -> int:
        where = self.target.describe()
        with self._read("open") as conn:
            version = migrations.current_version(conn)
        migrations.check_supported(version, where)
        if version == migrations.LATEST_VERSION:
            return version
        with self._write("upgrade") as conn:
            ensure_schema(conn, self.target)
            return migrations.upgrade(conn, where)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Catalog({self.target.describe()!r})"

    @contextmanager
    def _read(self, action: str = "read") -> Iterator[sa.Connection]:
        with catalog_errors(self.target, action), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self, action: str = "write to") -> Iterator[sa.Connection]:
        with (
            catalog_errors(self.target, action),
            self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn,
            conn.begin(),
        ):
            yield conn

    # -- writing ---------------------------------------------------------------------------------

    def save_run(self, run: Run) -> None:
        """Store a run in one transaction: all of it or none. Saving a run id again replaces it."""
        rows = run_rows(run)  # validates ids before anything is written
        with self._write("save run to") as conn:
            exists = conn.scalar(sa.select(schema.runs.c.id).where(schema.runs.c.id == run.id))
            for table in (schema.columns, schema.findings, schema.relationships, schema.profiles):
                conn.execute(table.delete().where(table.c.run_id == run.id))
            conn.execute(schema.assets.delete().where(schema.assets.c.run_id == run.id))
            conn.execute(schema.sources.delete().where(schema.sources.c.run_id == run.id))
            if exists:
                # Updated, not deleted, so verdicts that point at this run keep their link.
                conn.execute(schema.runs.update().where(schema.runs.c.id == run.id).values(rows.run))
            else:
                conn.execute(schema.runs.insert().values(rows.run))
            for table, table_rows in rows.body():
                if table_rows:
                    conn.execute(table.insert(), table_rows)

    def record_verdict(
        self,
        finding_id: str,
        verdict: FindingStatus | str,
        *,
        run_id: str | None = None,
        comment: str | None = None,
        reviewer: str | None = None,
        at: datetime | None = None,
    ) -> Verdict:
        """Record a person's verdict (confirmed, rejected or fixed) on a finding."""
        if verdict not in _VERDICTS:
            allowed = ", ".join(v.value for v in _VERDICTS)
            raise CatalogError(f"verdict must be one of {allowed}, not {verdict!r}")
        stored = Verdict(
            finding_id=finding_id,
            verdict=FindingStatus(verdict),
            run_id=run_id,
            comment=comment,
            reviewer=reviewer,
            at=_as_utc(at or datetime.now(UTC)),
        )
        with self._write("record a verdict in") as conn:
            if run_id is not None and not _run_exists(conn, run_id):
                raise CatalogError(f"no run {run_id!r} in the catalog")
            conn.execute(
                schema.verdicts.insert().values(
                    finding_id=stored.finding_id,
                    run_id=stored.run_id,
                    verdict=stored.verdict.value,
                    comment=stored.comment,
                    reviewer=stored.reviewer,
                    at=stored.at.replace(tzinfo=None),
                )
            )
        return stored

    # -- reading runs ----------------------------------------------------------------------------

    def list_runs(self) -> list[RunSummary]:
        """Every run, newest first."""
        runs = schema.runs
        query = sa.select(
            runs.c.record, runs.c.asset_count, runs.c.finding_count, runs.c.error_count
        ).order_by(*_newest_first())
        with self._read() as conn:
            rows = conn.execute(query).all()
        summaries = []
        for record, asset_count, finding_count, error_count in rows:
            head = Run.model_validate_json(record)
            summaries.append(
                RunSummary(
                    id=head.id,
                    started_at=head.started_at,
                    finished_at=head.finished_at,
                    code_version=head.code_version,
                    sources=head.sources,
                    asset_count=asset_count,
                    finding_count=finding_count,
                    error_count=error_count,
                )
            )
        return summaries

    def resolve_run(self, ref: str) -> str:
        """A run id from an id, a unique id prefix, "latest" or "previous"."""
        with self._read() as conn:
            return _resolve_run(conn, ref)

    def get_run(self, run_id: str) -> Run:
        """A run rebuilt whole; run_id may also be a unique prefix, "latest" or "previous"."""
        with self._read() as conn:
            resolved = _resolve_run(conn, run_id)
            data = json.loads(
                conn.scalar(sa.select(schema.runs.c.record).where(schema.runs.c.id == resolved))
            )
            for part in sorted(RUN_BODY_FIELDS):
                table = getattr(schema, part)
                query = sa.select(table.c.record).where(table.c.run_id == resolved).order_by(table.c.position)
                data[part] = [json.loads(text) for text in conn.scalars(query)]
        return Run.model_validate(data)

    def latest_run(self) -> Run | None:
        with self._read() as conn:
            run_id = conn.scalar(sa.select(schema.runs.c.id).order_by(*_newest_first()).limit(1))
        return None if run_id is None else self.get_run(run_id)

    # -- reading assets --------------------------------------------------------------------------

    def list_assets(self, run_id: str | None = None) -> list[Asset]:
        """The assets of a run (the latest by default); [] for an empty catalog."""
        assets = schema.assets
        with self._read() as conn:
            if run_id is None and not _has_runs(conn):
                return []
            resolved = _resolve_run(conn, run_id or "latest")
            query = sa.select(assets.c.record).where(assets.c.run_id == resolved).order_by(assets.c.position)
            return [Asset.model_validate_json(text) for text in conn.scalars(query)]

    def get_asset(
        self, ref: str, run_id: str | None = None
    ) -> tuple[Asset, list[ColumnProfile], list[Finding]]:
        """An asset by id or unique name in a run (the latest by default), with its profiles and findings."""
        assets, profiles, findings = schema.assets, schema.profiles, schema.findings
        with self._read() as conn:
            resolved = _resolve_run(conn, run_id or "latest")
            in_run = assets.c.run_id == resolved
            asset_id = _resolve_asset(conn, ref, in_run, f"run {resolved}")
            record = conn.scalar(sa.select(assets.c.record).where(in_run, assets.c.asset_id == asset_id))
            profile_texts = conn.scalars(
                sa.select(profiles.c.record)
                .where(profiles.c.run_id == resolved, profiles.c.asset_id == asset_id)
                .order_by(profiles.c.position)
            ).all()
            finding_texts = conn.scalars(
                sa.select(findings.c.record)
                .where(findings.c.run_id == resolved, findings.c.asset_id == asset_id)
                .order_by(findings.c.position)
            ).all()
        return (
            Asset.model_validate_json(record),
            [ColumnProfile.model_validate_json(text) for text in profile_texts],
            [Finding.model_validate_json(text) for text in finding_texts],
        )

    def asset_history(self, asset_ref: str) -> list[AssetVersion]:
        """The asset as every run saw it, oldest run first."""
        assets, runs = schema.assets, schema.runs
        with self._read() as conn:
            asset_id = _resolve_asset(conn, asset_ref, sa.true(), "any run")
            query = (
                sa.select(assets.c.run_id, runs.c.record, assets.c.record)
                .join(runs, runs.c.id == assets.c.run_id)
                .where(assets.c.asset_id == asset_id)
                .order_by(runs.c.started_at, runs.c.saved_at, runs.c.id)
            )
            rows = conn.execute(query).all()
        return [
            AssetVersion(
                run_id,
                _datetime.validate_python(json.loads(run_record)["started_at"]),
                Asset.model_validate_json(asset_record),
            )
            for run_id, run_record, asset_record in rows
        ]

    # -- verdicts --------------------------------------------------------------------------------

    def verdicts_for(self, finding_id: str) -> list[Verdict]:
        """Every verdict on a finding id, oldest first."""
        return self._verdicts(schema.verdicts.c.finding_id == finding_id)

    def verdicts_starting_with(self, prefix: str) -> list[Verdict]:
        """Every verdict whose target starts with `prefix` (a finding's row verdicts), oldest first."""
        column = schema.verdicts.c.finding_id
        # LIKE ignores case on SQLite: the prefix is checked again exactly.
        found = self._verdicts(column.startswith(prefix, autoescape=True))
        return [v for v in found if v.finding_id.startswith(prefix)]

    def verdicts_containing(self, text: str) -> list[Verdict]:
        """Every verdict whose target contains `text` (e.g. ':pair:' for pair verdicts), oldest first."""
        column = schema.verdicts.c.finding_id
        # LIKE ignores case on SQLite: the text is checked again exactly.
        found = self._verdicts(column.contains(text, autoescape=True))
        return [v for v in found if text in v.finding_id]

    def latest_verdicts(self, finding_ids: Iterable[str]) -> dict[str, Verdict]:
        """finding id -> its most recent verdict, for the ids that have one (one query per 500 ids)."""
        ids = sorted(set(finding_ids))
        latest: dict[str, Verdict] = {}
        for start in range(0, len(ids), _IDS_PER_QUERY):
            # Oldest first, so the last one written per id wins.
            for verdict in self._verdicts(
                schema.verdicts.c.finding_id.in_(ids[start : start + _IDS_PER_QUERY])
            ):
                latest[verdict.finding_id] = verdict
        return latest

    def last_verdict_id(self) -> int:
        """The id of the newest verdict row (0 when none): changes whenever a verdict is recorded."""
        with self._read() as conn:
            return int(conn.scalar(sa.select(sa.func.max(schema.verdicts.c.id))) or 0)

    def _verdicts(self, where: Any) -> list[Verdict]:
        verdicts = schema.verdicts
        query = sa.select(verdicts).where(where).order_by(verdicts.c.at, verdicts.c.id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [
            Verdict(
                finding_id=row.finding_id,
                verdict=FindingStatus(row.verdict),
                run_id=row.run_id,
                comment=row.comment,
                reviewer=row.reviewer,
                at=row.at.replace(tzinfo=UTC),
            )
            for row in rows
        ]


_IDS_PER_QUERY = 500  # well under every database's limit on parameters in one IN (...) list


def _newest_first() -> tuple[Any, ...]:
    runs = schema.runs
    return (runs.c.started_at.desc(), runs.c.saved_at.desc(), runs.c.id.desc())


def _has_runs(conn: sa.Connection) -> bool:
    return conn.scalar(sa.select(schema.runs.c.id).limit(1)) is not None


def _run_exists(conn: sa.Connection, run_id: str) -> bool:
    return conn.scalar(sa.select(schema.runs.c.id).where(schema.runs.c.id == run_id)) is not None


def _resolve_run(conn: sa.Connection, ref: str) -> str:
    if _run_exists(conn, ref):
        return ref
    if ref in ("latest", "previous"):
        offset = 0 if ref == "latest" else 1
        run_id = conn.scalar(sa.select(schema.runs.c.id).order_by(*_newest_first()).offset(offset).limit(1))
        if run_id is None:
            raise CatalogError(
                "the catalog has no runs yet" if offset == 0 else "the catalog has only one run"
            )
        return run_id
    ids = schema.runs.c.id
    # LIKE ignores case for ASCII on SQLite; startswith() below keeps prefixes case-sensitive.
    found = conn.scalars(sa.select(ids).where(ids.startswith(ref, autoescape=True)).order_by(ids)).all()
    matches = [run_id for run_id in found if run_id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise CatalogError(f"run {ref!r} is ambiguous: {_brief(matches)}")
    raise CatalogError(f"no run {ref!r} in the catalog (use an id, a unique id prefix, latest or previous)")


def _resolve_asset(conn: sa.Connection, ref: str, scope: Any, where: str) -> str:
    assets = schema.assets
    if conn.scalar(sa.select(assets.c.asset_id).where(scope, assets.c.asset_id == ref).limit(1)) is not None:
        return ref
    by_name = conn.scalars(
        sa.select(assets.c.asset_id).distinct().where(scope, assets.c.name == ref).order_by(assets.c.asset_id)
    ).all()
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise CatalogError(
            f"asset name {ref!r} is ambiguous in {where}; use one of the ids: {_brief(by_name)}"
        )
    known = conn.execute(sa.select(assets.c.asset_id, assets.c.name).distinct().where(scope)).all()
    close = difflib.get_close_matches(ref, {text for row in known for text in row}, n=3)
    hint = f"; did you mean {_brief(close)}?" if close else ""
    raise CatalogError(f"no asset {ref!r} in {where}{hint}")


def _brief(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def _as_utc(moment: datetime) -> datetime:
    # Naive datetimes are taken to be UTC already.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
