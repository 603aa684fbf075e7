"""Progress on long work: a rich progress bar with named stages on stderr when stderr is a
terminal, then one summary line with the time taken; nothing at all when stderr is not one."""

from __future__ import annotations

import contextlib
import sys
import time


def _on_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Stages:
    """`stage(name)` as each stage starts; `summary()` after the output, for the last line."""

    def __init__(self, done: str, live: bool):
        self.done, self.live, self.started = done, live, time.perf_counter()
        self.progress = self.task = None
        self.seen: list[str] = []

    def __call__(self, name: str) -> None:
        if self.progress is None:
            return
        if self.seen:
            self.progress.advance(self.task)
        self.seen.append(name)
        self.progress.update(self.task, description=name)

    def summary(self) -> None:
        if not self.live:
            return
        from migkg.cli.base import consoles

        seconds = f"{time.perf_counter() - self.started:.1f}"
        consoles()[1].print(self.done.format(seconds=seconds), markup=False, highlight=False, soft_wrap=True)


@contextlib.contextmanager
def stages(names: list[str], done: str):
    """Yields a `_Stages`: call it as each stage starts, and its `summary()` after the command's
    output (the summary line, `done` with `{seconds}`). An error removes the bar and prints no
    summary; when stderr is not a terminal nothing is shown at all."""
    live = _on_terminal()
    stage = _Stages(done, live)
    if not live:
        yield stage
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from migkg.cli.base import consoles

    stage.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                              TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                              console=consoles()[1], transient=True)
    stage.task = stage.progress.add_task(names[0] if names else "", total=len(names) or 1)
    with stage.progress:
        yield stage
        stage.progress.update(stage.task, completed=len(names) or 1)
