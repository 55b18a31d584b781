"""Instruction counts of the exact timed regions, for both languages, as asv benchmarks.

Wall time on a shared machine wanders 20-30 % between runs; callgrind's instruction count of
the same region does not. Each id runs its untimed setup, then ``k`` runs of exactly the body
its wall-time benchmark times, each bracketed by callgrind client requests (instrumentation on
for the body only, one dump per run), in one valgrind process per language and commit. The
counts go into a per-commit store and reach asv as ``track_`` benchmarks
(``benchmarks/instructions/``), built from a committed manifest.

Entry points:

- ``passes.python_pass(...)`` / ``passes.rust_pass(...)`` -> ``CountEntry``
- ``store.CountStore(settings.count_store).get(commit, language, env) -> CountEntry | None``
- ``track.build_classes(benchmarks_dir, module, language)`` for the asv suite

It imports nothing from ``dashbench``; it builds on ``rust_bridge`` (settings, checkouts,
cargo, the filesystem helper).
"""
