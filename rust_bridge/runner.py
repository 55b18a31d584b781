"""Run the crate's Criterion suite for one commit and put the results in the store.

A panicking benchmark aborts the whole Criterion process, so the runner enumerates the ids
first (``-- --list``), and after an abort records the first id that left no result as failed
and starts a new process for the ids after it. Each run writes to a private CRITERION_HOME,
so results of different commits (or of a stale ``target/criterion``) never mix.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rust_bridge.cargo import cargo_config_args, cargo_source
from rust_bridge.checkout import head_of, resolve_sha, worktree
from rust_bridge.errors import BridgeError
from rust_bridge.fs import file_lock
from rust_bridge.output import Say
from rust_bridge.reader import BenchmarkRecord, Problem, read_tree
from rust_bridge.settings import Settings
from rust_bridge.store import CriterionStore, Failure, StoreEntry

# Criterion 0.3 takes whole seconds; 1 s warm-up and 1 s measurement is its floor.
QUICK_ARGS = ("--warm-up-time", "1", "--measurement-time", "1", "--nresamples", "10000")
# Environment that changes what the benchmarks measure or how they are built.
RECORDED_ENV = re.compile(r"^(DASHFLOW_|RUST|CARGO_|CRITERION_)")
SECRET_ENV = re.compile(r"TOKEN|SECRET|PASSWORD|KEY", re.IGNORECASE)
ALWAYS_RECORDED = ("DASHFLOW_TRACE", "RUSTFLAGS", "CARGO_PROFILE_BENCH_LTO")
TITLE_LIMIT = 100  # Criterion's --list prints titles cut at 100 bytes with "..."
LOG_TAIL = 40


@dataclass(frozen=True)
class RunOptions:
    filter: str | None = None  # a Criterion (Rust regex) filter on full ids
    quick: bool = False
    extra_args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # The filter is Criterion's positional argument: with a leading '-' it would be read
        # as one of Criterion's options.
        if self.filter is not None and self.filter.startswith("-"):
            raise BridgeError(f"filter {self.filter!r}: a filter cannot start with '-'")


@dataclass
class SuiteRun:
    """What one run of the suite produced, before it is stored."""

    records: list[BenchmarkRecord] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def with_effort(settings: Settings, options: RunOptions | None) -> RunOptions:
    """``options`` with the configured Criterion effort, unless quick or given explicitly."""
    options = options or RunOptions()
    if not options.quick and not options.extra_args:
        options = dataclasses.replace(options, extra_args=settings.criterion_args)
    return options


def run_commit(
    settings: Settings,
    commit: str,
    options: RunOptions | None = None,
    checkout: Path | None = None,
    store: CriterionStore | None = None,
    progress: Say | None = None,
) -> StoreEntry:
    """Benchmark ``commit`` and merge the results into the store; return the stored entry.

    ``checkout`` is used when it already holds ``commit`` (asv's ``$ASV_ENV_DIR/project``);
    otherwise a worktree is made at a fixed path beside the shared target dir.
    """
    options = with_effort(settings, options)
    commit = resolve_sha(settings.git_dir, commit)
    store = store or CriterionStore(settings.store)
    target_dir = settings.cargo_target_dir()
    started = time.monotonic()
    with checkout_of(settings, commit, checkout, target_dir) as tree:
        run = run_suite(
            tree / settings.rust_crate, settings.rust_bench, target_dir, options, progress
        )
        provenance = provenance_of(tree / settings.rust_crate, settings, options, target_dir)
    provenance.update(
        producer="runner",
        checkout="given" if checkout and tree == checkout else "worktree",
        duration_s=round(time.monotonic() - started, 3),
    )
    return store.put(commit, run.records, run.failures, run.problems, provenance)


@contextlib.contextmanager
def checkout_of(
    settings: Settings, commit: str, checkout: Path | None, target_dir: Path
) -> Iterator[Path]:
    """``checkout`` when it holds ``commit``, else a worktree at a fixed path beside the
    shared target dir, held under a lock (cargo keys artifacts by path)."""
    if checkout is not None and head_of(checkout) == commit:
        yield checkout
        return
    target_dir.mkdir(parents=True, exist_ok=True)
    with (
        file_lock(target_dir / "dashbench-checkout.lock"),
        worktree(settings.git_dir, commit, target_dir / "dashbench-checkout") as path,
    ):
        yield path


def run_suite(
    crate: Path,
    bench: str,
    target_dir: Path,
    options: RunOptions,
    progress: Say | None = None,
) -> SuiteRun:
    """Build and run one bench target; failures and problems are returned, not raised."""
    run = SuiteRun()
    if not (crate / "Cargo.toml").is_file():
        run.problems.append(Problem(str(crate / "Cargo.toml"), "no Rust crate at this commit"))
        return run
    try:
        titles = list_ids(crate, bench, target_dir, options.filter, progress)
    except BridgeError as exc:
        run.problems.append(Problem(str(crate), str(exc)))
        return run
    cargo, env = _cargo(crate, bench, target_dir)
    return run_titles([*cargo, "--"], titles, env, options, progress, cwd=crate)


def run_titles(
    launcher: list[str],
    titles: list[str],
    env: dict[str, str],
    options: RunOptions,
    progress: Say | None = None,
    cwd: Path | None = None,
) -> SuiteRun:
    """Run these ids with ``launcher`` (``cargo bench ... --`` or a built executable's
    ``--bench``) in a private CRITERION_HOME; after an abort, go on after the id that died."""
    run = SuiteRun()
    with tempfile.TemporaryDirectory(prefix="criterion-home-") as home:
        env = {**env, "CRITERION_HOME": home}
        remaining = titles
        while remaining:
            args = ["--noplot", *(QUICK_ARGS if options.quick else ()), *options.extra_args]
            done = call(
                [*launcher, *args, exact_filter(remaining)], cwd or Path(home), env, progress
            )
            measured = {_title(r.full_id) for r in read_tree(home).records}
            left = [t for t in remaining if t not in measured]
            if done.returncode == 0 or not left:
                run.failures += [_failure(t, "Criterion wrote no result", done) for t in left]
                break
            # The process died in the first id that left no result; the ids after it never ran.
            run.failures.append(_failure(left[0], f"Criterion exited {done.returncode}", done))
            remaining = left[1:]
        tree = read_tree(home)
    run.records = tree.records
    run.problems += tree.problems
    return run


def build_executable(
    settings: Settings, commit: str, dest: Path, progress: Say | None = None
) -> Path:
    """Build ``commit``'s bench target once and keep its executable at ``dest/<commit>``.

    Rounds that alternate between commits (bisection probes) then run each commit's binary
    directly: through cargo, every switch of commit in the shared checkout is a rebuild."""
    commit = resolve_sha(settings.git_dir, commit)
    kept = dest / commit
    if kept.is_file():
        return kept
    target_dir = settings.cargo_target_dir()
    with checkout_of(settings, commit, None, target_dir) as tree:
        crate = tree / settings.rust_crate
        if not (crate / "Cargo.toml").is_file():
            raise BridgeError(f"{commit[:12]}: no Rust crate at {settings.rust_crate}")
        cargo, env = _cargo(crate, settings.rust_bench, target_dir)
        # Cargo's JSON messages name the executable; only its human lines are progress.
        human = None if progress is None else _skip_json(progress)
        build = call(
            [*cargo, "--no-run", "--message-format=json-render-diagnostics"], crate, env, human
        )
        built = _bench_executable(build.output, settings.rust_bench)
        if build.returncode != 0 or built is None:
            raise BridgeError(f"cargo bench --no-run failed at {commit[:12]}:\n{build.tail}")
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, kept)
    return kept


def executable_cache(settings: Settings) -> Path:
    """Where built bench executables are kept between runs: in the cargo target dir (a build
    cache already), under a key of what else decides the binary (toolchain, flags, source)."""
    crate = settings.crate_dir()
    key = json.dumps(
        [
            _version(["rustc", "-vV"], crate if crate.is_dir() else Path.cwd()),
            {k: v for k, v in sorted(os.environ.items()) if k in ALWAYS_RECORDED},
            cargo_source(),
            settings.rust_crate,
            settings.rust_bench,
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return settings.cargo_target_dir() / "dashbench-executables" / digest


def _skip_json(progress: Say) -> Say:
    return lambda line: None if line.startswith("{") else progress(line)


def _bench_executable(output: str, bench: str) -> Path | None:
    """The bench target's executable, from cargo's JSON messages."""
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        target = message.get("target") or {}
        if message.get("executable") and target.get("name") == bench:
            return Path(message["executable"])
    return None


def run_executable(
    executable: Path, criterion_id: str, extra_args: tuple[str, ...] = ()
) -> list[float]:
    """One Criterion run of one id with a built bench executable: its per-iteration times."""
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    titles = [_title(criterion_id)]
    run = run_titles([str(executable), "--bench"], titles, env, RunOptions(extra_args=extra_args))
    records = [r for r in run.records if r.full_id == criterion_id]
    if not records:
        why = run.failures[0] if run.failures else Failure(criterion_id, "no result", "")
        raise BridgeError(f"{criterion_id}: {executable.name}: {why.reason}:\n{why.log}")
    return list(records[0].samples)


def list_ids(
    crate: Path,
    bench: str,
    target_dir: Path | None = None,
    pattern: str | None = None,
    progress: Say | None = None,
) -> list[str]:
    """Build the bench target and list its benchmark titles in run order (``-- --list``)."""
    if not (crate / "Cargo.toml").is_file():
        raise BridgeError(f"{crate / 'Cargo.toml'}: no Rust crate here")
    cargo, env = _cargo(crate, bench, target_dir)
    build = call([*cargo, "--no-run"], crate, env, progress)
    if build.returncode != 0:
        raise BridgeError(f"cargo bench --no-run failed in {crate}:\n{build.tail}")
    listing = call([*cargo, "--", "--list", *_filter_arg(pattern)], crate, env, None)
    if listing.returncode != 0:
        raise BridgeError(f"cargo bench -- --list failed in {crate}:\n{listing.tail}")
    return parse_list(listing.output)


def _cargo(crate: Path, bench: str, target_dir: Path | None) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "CARGO_TERM_COLOR": "never"}
    if target_dir is not None:
        env["CARGO_TARGET_DIR"] = str(target_dir)
    return ["cargo", *cargo_config_args(), "bench", f"--bench={bench}"], env


def parse_list(output: str) -> list[str]:
    """Benchmark titles, in run order, from ``-- --list`` output."""
    return [line[: -len(": bench")] for line in output.splitlines() if line.endswith(": bench")]


def exact_filter(titles: list[str]) -> str:
    """A Rust regex matching exactly these ids (a cut title matches by its prefix)."""
    parts = []
    for title in titles:
        if len(title) > TITLE_LIMIT and title.endswith("..."):
            parts.append(_rust_escape(title[:-3]) + ".*")
        else:
            parts.append(_rust_escape(title))
    return "^(?:" + "|".join(parts) + ")$"


def _rust_escape(text: str) -> str:
    # Only the metacharacters every version of Rust's regex crate accepts escaped.
    return re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", text)


def _title(full_id: str) -> str:
    encoded = full_id.encode()
    if len(encoded) <= TITLE_LIMIT:
        return full_id
    return encoded[:TITLE_LIMIT].decode(errors="ignore") + "..."


def _filter_arg(pattern: str | None) -> list[str]:
    return [] if pattern is None else [pattern]


def _failure(title: str, reason: str, done: Done) -> Failure:
    return Failure(full_id=title, reason=reason, log=done.tail)


@dataclass(frozen=True)
class Done:
    returncode: int
    output: str
    tail: str


def call(cmd: list[str], cwd: Path | None, env: dict[str, str], progress: Say | None) -> Done:
    """Run a command, streaming its lines to ``progress``; keep the output and its tail."""
    lines: list[str] = []
    tail: collections.deque[str] = collections.deque(maxlen=LOG_TAIL)
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
    except OSError as exc:
        raise BridgeError(f"cannot start {cmd[0]}: {exc}") from exc
    assert proc.stdout is not None
    with proc:
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            tail.append(line)
            if progress is not None:
                progress(line)
    return Done(proc.returncode, "\n".join(lines), "\n".join(tail))


def provenance_of(
    crate: Path, settings: Settings, options: RunOptions, target_dir: Path
) -> dict[str, Any]:
    """What a reader needs to trust or reproduce the numbers: toolchain, source, settings, env."""
    env = {
        k: v for k, v in os.environ.items() if RECORDED_ENV.match(k) and not SECRET_ENV.search(k)
    }
    env.update({k: os.environ.get(k) for k in ALWAYS_RECORDED})
    return {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "rustc": _version(["rustc", "-vV"], crate),
        "cargo": _version(["cargo", "-V"], crate),
        "cargo_source": cargo_source(),
        "crate": settings.rust_crate,
        "bench": settings.rust_bench,
        "quick": options.quick,
        "filter": options.filter,
        "criterion_args": ["--noplot", *(QUICK_ARGS if options.quick else ()), *options.extra_args],
        "cargo_target_dir": str(target_dir),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "env": dict(sorted(env.items())),
    }


def _version(cmd: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None
