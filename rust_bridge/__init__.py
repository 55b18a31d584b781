"""Criterion.rs results as asv benchmarks.

Read Criterion trees, run cargo bench per commit, keep a per-commit store. Entry points other
code uses:

- ``settings.load_settings(conf=None, root=None) -> Settings`` (crate, bench, manifest, store)
- ``reader.read_tree(dir, baseline="new") -> CriterionTree`` (``records``, ``problems``)
- ``store.CriterionStore(settings.store).get(full_sha) -> StoreEntry | None``
  (``records[criterion_id].samples``/``.median``..., ``failures``, ``problems``, ``runs``)
- ``runner.run_commit(settings, commit, RunOptions(filter=, quick=)) -> StoreEntry``
- ``manifest.load_manifest(path) -> list[ManifestEntry]`` (``criterion_id``, ``asv_name``)
- ``backfill.backfill(settings, "A..B") -> BackfillReport``
- ``checkout.resolve_sha(repo_dir, rev) -> str``; ``output.format_seconds(value) -> str``
"""
