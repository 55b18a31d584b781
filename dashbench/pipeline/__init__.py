"""The main job and its pieces: lock, progress, per-commit stages, resume, and the PR comparison.

`dashbench nightly` (``nightly.py``) and `dashbench continuous` (``continuous.py``) share the
per-commit stages in ``stages.py``: the Criterion store first, then one ``asv run`` per commit.
"""
