"""Errors a user can cause, each with a documented process exit code.

Anything raised as a `StocktakeError` is printed by the CLI as one line, never as
a traceback. Exit codes live here and only here (see docs/cli.md).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1  # reserved for `stocktake check`: a fail-level check failed
EXIT_USAGE = 2  # bad flags or arguments (click's own convention)
EXIT_INPUT = 3  # a path, file or format we cannot read
EXIT_CONNECTION = 4  # a database we cannot reach or log into
EXIT_CATALOG = 5  # the catalog cannot be opened or written
EXIT_MISSING_EXTRA = 6  # an optional dependency is not installed
EXIT_INTERNAL = 70  # a bug: printed with a hint to report it


class StocktakeError(Exception):
    """Base for errors caused by input or environment, not by a bug."""

    exit_code = EXIT_INPUT


class SourceNotFoundError(StocktakeError):
    exit_code = EXIT_INPUT


class UnsupportedFormatError(StocktakeError):
    exit_code = EXIT_INPUT


class UnreadableSourceError(StocktakeError):
    exit_code = EXIT_INPUT


class SourceConnectionError(StocktakeError):
    exit_code = EXIT_CONNECTION


class CatalogError(StocktakeError):
    exit_code = EXIT_CATALOG


class MissingExtraError(StocktakeError):
    exit_code = EXIT_MISSING_EXTRA

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed; install it with: pip install 'stocktake[{extra}]'")
        self.package = package
        self.extra = extra


class UsageError(StocktakeError):
    exit_code = EXIT_USAGE
