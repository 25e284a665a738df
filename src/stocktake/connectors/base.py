"""The Connector contract: open a source read-only, list its assets, hand out an engine."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from types import TracebackType

    from stocktake.core.records import Asset, Source
    from stocktake.engines.base import Engine


class Connector(ABC):
    source: Source

    @abstractmethod
    def discover(self) -> list[Asset]:
        """Every table-like asset with schema, row count, byte size and last-modified time."""

    @abstractmethod
    def engine(self) -> Engine:
        """The engine that computes over this source's assets (created once, then reused)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files and connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
