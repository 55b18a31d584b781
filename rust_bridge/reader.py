"""Read a Criterion.rs output tree into typed records.

Criterion's directory names are lossy (characters replaced, parts cut at 64 bytes, collisions
suffixed), so every id comes from ``benchmark.json``. Each unsound benchmark becomes a
:class:`Problem` naming the file; the sound ones are still returned.
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rust_bridge.fs import UnreadableFile, read_json
from rust_bridge.schema import BENCHMARK, ESTIMATES, SAMPLE, violation

NS = 1e-9  # Criterion writes nanoseconds; asv's "seconds" unit wants seconds.
ESTIMATE_KINDS = ("mean", "median", "slope", "std_dev", "median_abs_dev")
THROUGHPUT_KINDS = ("Elements", "Bytes", "BytesDecimal")
DEFAULT_BASELINE = "new"


class InvalidInput(ValueError):
    """One benchmark's files cannot be trusted; the message says what and where."""


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Estimate:
    """A Criterion point estimate with its bootstrap CI, in seconds per iteration."""

    point: float
    standard_error: float
    lower: float
    upper: float
    confidence_level: float


@dataclass(frozen=True)
class Throughput:
    kind: str
    amount: int


@dataclass(frozen=True)
class BenchmarkRecord:
    full_id: str
    group_id: str
    function_id: str | None
    value_str: str | None
    baseline: str
    directory: str
    throughput: Throughput | None
    sampling_mode: str
    samples: tuple[float, ...]  # seconds per iteration, one per Criterion sample
    mean: Estimate
    median: Estimate
    std_dev: Estimate
    median_abs_dev: Estimate
    slope: Estimate | None  # None in Flat sampling mode

    def to_dict(self) -> dict[str, Any]:
        return {
            "full_id": self.full_id,
            "group_id": self.group_id,
            "function_id": self.function_id,
            "value_str": self.value_str,
            "baseline": self.baseline,
            "directory": self.directory,
            "throughput": None
            if self.throughput is None
            else {"kind": self.throughput.kind, "amount": self.throughput.amount},
            "sampling_mode": self.sampling_mode,
            "samples": list(self.samples),
            **{k: _estimate_dict(getattr(self, k)) for k in ESTIMATE_KINDS},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchmarkRecord:
        throughput = data.get("throughput")
        return cls(
            full_id=data["full_id"],
            group_id=data["group_id"],
            function_id=data.get("function_id"),
            value_str=data.get("value_str"),
            baseline=data.get("baseline", DEFAULT_BASELINE),
            directory=data.get("directory", ""),
            throughput=None if throughput is None else Throughput(**throughput),
            sampling_mode=data.get("sampling_mode", ""),
            samples=tuple(data["samples"]),
            **{k: None if data.get(k) is None else Estimate(**data[k]) for k in ESTIMATE_KINDS},
        )


def _estimate_dict(estimate: Estimate | None) -> dict[str, float] | None:
    if estimate is None:
        return None
    return {
        "point": estimate.point,
        "standard_error": estimate.standard_error,
        "lower": estimate.lower,
        "upper": estimate.upper,
        "confidence_level": estimate.confidence_level,
    }


@dataclass
class CriterionTree:
    """What one read of a Criterion directory produced."""

    root: Path
    baseline: str
    records: list[BenchmarkRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def criterion_home(cwd: Path | None = None) -> Path:
    """Where Criterion writes, by its own rule: $CRITERION_HOME, $CARGO_TARGET_DIR/criterion,
    else target/criterion."""
    if home := os.environ.get("CRITERION_HOME"):
        return Path(home)
    base = Path(cwd or ".")
    if target := os.environ.get("CARGO_TARGET_DIR"):
        return base / target / "criterion"
    return base / "target" / "criterion"


def read_tree(root: Path | str, baseline: str = DEFAULT_BASELINE) -> CriterionTree:
    """Read every benchmark saved under ``root`` for ``baseline`` (new, base or a named one)."""
    root = Path(root)
    tree = CriterionTree(root=root, baseline=baseline)
    if not root.is_dir():
        tree.problems.append(Problem(str(root), "not a directory"))
        return tree
    real_root = root.resolve()
    by_id: dict[str, list[BenchmarkRecord]] = {}
    for bench_dir in _baseline_dirs(root, real_root, baseline, tree.problems):
        try:
            record = read_benchmark(bench_dir, root, tree.problems, real_root)
        except InvalidInput as exc:
            tree.problems.append(Problem(*exc.args))
            continue
        by_id.setdefault(record.full_id, []).append(record)
    for full_id, found in sorted(by_id.items()):
        if len(found) == 1:
            tree.records.append(found[0])
            continue
        # Criterion never writes one id twice; a copy or a stale tree did, and which
        # one is current cannot be told from the files, so neither is trusted.
        dirs = ", ".join(str(root / r.directory / baseline / "benchmark.json") for r in found)
        tree.problems.append(
            Problem(dirs, f"{len(found)} directories carry the same full_id {full_id!r}; skipped")
        )
    return tree


def _baseline_dirs(
    root: Path, real_root: Path, baseline: str, problems: list[Problem]
) -> Iterator[str]:
    """Yield ``.../<baseline>`` directories that hold a benchmark.json, staying inside the tree.

    Walked with an explicit stack, each real directory once: a symlink loop, a cycle of
    symlinks or a link out of the tree is named and not followed.
    """
    seen = {_identity(str(root))}
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name, reverse=True)
        except OSError as exc:
            problems.append(Problem(directory, f"cannot list directory: {exc.strerror}"))
            continue
        for entry in entries:
            path = entry.path  # plain strings: pathlib costs a third of the read time here
            if entry.is_symlink():
                if not os.path.exists(path):
                    problems.append(Problem(path, "dangling symlink, or a cycle of symlinks"))
                    continue
                if not _inside(path, real_root):
                    problems.append(Problem(path, "symlink points outside the Criterion tree"))
                    continue
            if not entry.is_dir():
                continue
            identity = _identity(path)
            if identity in seen:
                problems.append(
                    Problem(path, "a directory already read through another path (symlink)")
                )
                continue
            seen.add(identity)
            if os.path.lexists(os.path.join(path, "benchmark.json")):
                if entry.name == baseline:
                    yield path
                continue  # a baseline directory of some other name: new/, base/, change/...
            if entry.name == baseline and any(
                os.path.lexists(os.path.join(path, name))
                for name in ("estimates.json", "sample.json")
            ):
                problems.append(
                    Problem(
                        os.path.join(path, "benchmark.json"),
                        "missing beside estimates/samples; the benchmark's id is unknown, skipped",
                    )
                )
                continue
            stack.append(path)


def _identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _inside(path: str | Path, real_root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(real_root)


def read_benchmark(
    bench_dir: str | Path, root: Path, problems: list[Problem], real_root: Path | None = None
) -> BenchmarkRecord:
    """Read one ``<id dir>/<baseline>/`` directory; raise InvalidInput naming the bad file.

    Flaws that leave the measurement sound (an unknown throughput kind) are appended to
    ``problems`` and the record is still returned.
    """
    real_root = real_root or root.resolve()
    base = str(bench_dir)
    meta_path = os.path.join(base, "benchmark.json")
    est_path = os.path.join(base, "estimates.json")
    sample_path = os.path.join(base, "sample.json")
    meta = _load(meta_path, real_root, BENCHMARK)
    estimates = _load(est_path, real_root, ESTIMATES)
    sample = _load(sample_path, real_root, SAMPLE)

    parsed = {k: _estimate(estimates.get(k), k, est_path) for k in ESTIMATE_KINDS}
    return BenchmarkRecord(
        full_id=meta["full_id"],
        group_id=meta["group_id"],
        function_id=meta.get("function_id"),
        value_str=meta.get("value_str"),
        baseline=os.path.basename(base),
        directory=os.path.relpath(os.path.dirname(base), root),
        throughput=_throughput(meta.get("throughput"), meta_path, problems),
        sampling_mode=str(sample.get("sampling_mode", "")),
        samples=_samples(sample, sample_path),
        **parsed,
    )


def _load(path: str, real_root: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in ``path``, shaped as ``schema`` says; anything else is InvalidInput."""
    if os.path.islink(path) and not _inside(path, real_root):
        raise InvalidInput(path, "symlink points outside the Criterion tree")
    try:
        data = read_json(path)
    except FileNotFoundError:
        raise InvalidInput(path, "missing") from None
    except UnreadableFile as exc:
        raise InvalidInput(path, str(exc)) from None
    if problem := violation(data, schema):
        raise InvalidInput(path, problem)
    return data


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxlong = _SHORT.maxother = 80


def _number(value: float, what: str, path: str) -> float:
    """``value`` (a JSON number, as the schema ensured) as a finite float."""
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        raise InvalidInput(path, f"{what} is out of range: {_SHORT.repr(value)}") from None
    if not math.isfinite(number):
        raise InvalidInput(path, f"{what} is {value!r}")
    return number


def _estimate(raw: dict[str, Any] | None, kind: str, path: str) -> Estimate | None:
    if raw is None:  # the schema lets only the slope be null
        return None
    ci = raw["confidence_interval"]
    point = _number(raw["point_estimate"], f"{kind}.point_estimate", path)
    error = _number(raw["standard_error"], f"{kind}.standard_error", path)
    lower = _number(ci["lower_bound"], f"{kind}.lower_bound", path)
    upper = _number(ci["upper_bound"], f"{kind}.upper_bound", path)
    level = _number(ci["confidence_level"], f"{kind}.confidence_level", path)
    # Times and spreads cannot be negative, and a bootstrap interval holds its estimate:
    # otherwise the file was edited or damaged, and no number in it can be trusted.
    if min(point, error, lower, upper) < 0:
        raise InvalidInput(path, f"{kind}: negative time in a Criterion estimate")
    if not lower <= point <= upper:
        raise InvalidInput(
            path,
            f"{kind}: the interval {lower:g} .. {upper:g} does not hold the estimate {point:g}",
        )
    if not 0 < level < 1:
        raise InvalidInput(path, f"{kind}.confidence_level is {level:g}, not between 0 and 1")
    return Estimate(
        point=point * NS,
        standard_error=error * NS,
        lower=lower * NS,
        upper=upper * NS,
        confidence_level=level,
    )


def _samples(data: dict[str, Any], path: str) -> tuple[float, ...]:
    times, iters = data["times"], data["iters"]  # non-empty lists of numbers, by the schema
    if len(times) != len(iters):
        raise InvalidInput(path, f"{len(times)} times for {len(iters)} iteration counts")
    # Fast path for sound files (the common case); the loop below names the first bad value.
    try:
        sound = math.isfinite(sum(times) + sum(iters)) and min(iters) > 0 and min(times) >= 0
    except OverflowError:  # an integer too large for a float
        sound = False
    if sound:
        return tuple(t / n * NS for t, n in zip(times, iters, strict=True))
    for i, (t, n) in enumerate(zip(times, iters, strict=True)):
        t = _number(t, f"times[{i}]", path)
        n = _number(n, f"iters[{i}]", path)
        if n <= 0:
            raise InvalidInput(path, f"iters[{i}] is {n:g}; iteration counts must be positive")
        if t < 0:
            raise InvalidInput(path, f"times[{i}] is negative ({t:g})")
    raise InvalidInput(path, "times or iters out of range")  # e.g. a sum that overflows


def _throughput(raw: Any, path: str, problems: list[Problem]) -> Throughput | None:
    """Parse Criterion's throughput; an unreadable one is reported and dropped, since the
    timing itself is still sound."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) != 1:
        problems.append(
            Problem(path, f"throughput ignored: expected null or a one-key object, got {raw!r}")
        )
        return None
    ((kind, amount),) = raw.items()
    if kind not in THROUGHPUT_KINDS:
        known = ", ".join(THROUGHPUT_KINDS)
        problems.append(
            Problem(path, f"throughput ignored: unknown kind {kind!r} (known: {known})")
        )
        return None
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        problems.append(
            Problem(
                path, f"throughput ignored: {kind} must be a non-negative integer, got {amount!r}"
            )
        )
        return None
    return Throughput(kind=kind, amount=amount)
