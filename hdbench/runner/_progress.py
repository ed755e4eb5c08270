"""The rollout progress bar: episodes done, successes and errors so far, tokens, ETA."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from hdbench.schema import Episode, Outcome


class RunProgress:
    """A rich progress bar fed with finished episodes (a no-op when disabled)."""

    def __init__(self, total: int, already: list[Episode], enabled: bool = True):
        self.counts = {o: 0 for o in Outcome}
        self.tokens = 0
        self.enabled = enabled
        self._progress = Progress(
            TextColumn("[bold]episodes"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "[green]{task.fields[ok]} won[/] [red]{task.fields[err]} errors[/] {task.fields[tok]} tokens"
            ),
            TimeRemainingColumn(),
            disable=not enabled,
            transient=False,
        )
        self._task = self._progress.add_task("rollout", total=total, ok=0, err=0, tok=0)
        for episode in already:
            self.add(episode)

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def add(self, episode: Episode) -> None:
        """Count one finished episode."""
        self.counts[episode.outcome] += 1
        self.tokens += episode.prompt_tokens + episode.completion_tokens
        self._progress.update(
            self._task,
            advance=1,
            ok=self.counts[Outcome.SUCCESS],
            err=self.counts[Outcome.ERROR],
            tok=self.tokens,
        )
