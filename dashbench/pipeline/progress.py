"""Progress lines for every stage (name, commit i/N, elapsed) and the timings behind them."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class StageTime:
    stage: str
    commit: str | None
    seconds: float
    ok: bool


@dataclass
class Progress:
    """Prints one line when a stage starts and one when it ends, with the job's elapsed time."""

    label: str
    started: float = field(default_factory=time.monotonic)
    times: list[StageTime] = field(default_factory=list)

    def _clock(self) -> str:
        return time.strftime("%H:%M:%S", time.gmtime(time.monotonic() - self.started))

    def say(self, text: str) -> None:
        print(f"[{self.label} {self._clock()}] {text}", flush=True)
        sys.stderr.flush()

    @contextlib.contextmanager
    def stage(self, name: str, commit: str | None = None, position: str = "") -> Iterator[None]:
        where = f" {position} {commit[:8]}" if commit else ""
        self.say(f"{name}{where}: started")
        begin = time.monotonic()
        ok = False
        try:
            yield
            ok = True
        finally:
            seconds = time.monotonic() - begin
            self.times.append(StageTime(name, commit, seconds, ok))
            self.say(f"{name}{where}: {'done' if ok else 'FAILED'} in {seconds:.1f} s")

    def write_timings(self, path: Path) -> None:
        data = {
            "total_seconds": time.monotonic() - self.started,
            "stages": [asdict(t) for t in self.times],
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
