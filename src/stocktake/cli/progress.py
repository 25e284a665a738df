"""Rich progress bars fed by the library's progress hook."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from stocktake.pipeline import ProgressHook

console = Console(stderr=True)  # progress and status lines
out = Console(markup=False, highlight=False)  # results hold data: never read "[...]" in them as markup


@contextmanager
def scan_progress(enabled: bool = True) -> Iterator[ProgressHook]:
    if not enabled or not console.is_terminal:  # no bars in logs and pipes
        yield lambda *_: None
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bars:
        tasks: dict[str, int] = {}

        def hook(stage: str, done: int, total: int, label: str) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total or None, label="")
            bars.update(tasks[stage], completed=done, total=total or None, label=label[:40])

        yield hook
