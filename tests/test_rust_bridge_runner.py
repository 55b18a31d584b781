"""Runner pieces that need no build: Criterion's --list parsing, exact filters, cargo source."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from rust_bridge import cargo
from rust_bridge.errors import BridgeError
from rust_bridge.runner import exact_filter, parse_list

LIST_OUTPUT = """\
Gnuplot not found, using plotters backend
fanout_width/2: bench
fanout_width/8: bench

odd ids/odd ?"/\\*<>:| chars: bench
odd ids/caret^and spaces  here: bench
"""


def test_parse_list_keeps_run_order_and_odd_characters() -> None:
    assert parse_list(LIST_OUTPUT) == [
        "fanout_width/2",
        "fanout_width/8",
        'odd ids/odd ?"/\\*<>:| chars',
        "odd ids/caret^and spaces  here",
    ]


def test_exact_filter_matches_only_the_given_ids() -> None:
    ids = parse_list(LIST_OUTPUT)
    # Python's re agrees with Rust's regex on this subset of syntax.
    pattern = re.compile(exact_filter(ids[2:]))
    assert [i for i in ids if pattern.search(i)] == ids[2:]
    assert not pattern.search('odd ids/odd ?"/\\*<>:| chars and more')
    assert not pattern.search("fanout_width/2")


def test_exact_filter_matches_a_cut_title_by_prefix() -> None:
    full = "g/" + "x" * 120
    title = full.encode()[:100].decode() + "..."
    assert re.fullmatch(exact_filter([title]), full)


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(cargo.ENV_OVERRIDE, raising=False)
    cargo._detected_source.cache_clear()
    yield tmp_path / "dashbench" / "cargo-source.json"
    cargo._detected_source.cache_clear()


def test_override_wins(monkeypatch: pytest.MonkeyPatch, fresh_cache: Path) -> None:
    monkeypatch.setenv(cargo.ENV_OVERRIDE, "registry")
    assert cargo.cargo_source() == "registry"
    assert cargo.cargo_config_args() == []
    monkeypatch.setenv(cargo.ENV_OVERRIDE, "Debian")
    assert cargo.cargo_config_args() == ["--config", str(cargo.DEBIAN_CONFIG)]
    assert cargo.DEBIAN_CONFIG.is_file()
    monkeypatch.setenv(cargo.ENV_OVERRIDE, "crates")
    with pytest.raises(BridgeError, match="DASHBENCH_CARGO_SOURCE"):
        cargo.cargo_source()


def test_probe_decides_and_is_cached(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reachable = cargo.registry_reachable()  # the real probe, against this machine's network
    expected = "debian" if cargo.DEBIAN_REGISTRY.is_dir() and not reachable else "registry"
    assert cargo.cargo_source() == expected
    assert json.loads(fresh_cache.read_text())["source"] == expected
    # A fresh decision on disk is reused without probing again...
    cargo._detected_source.cache_clear()
    monkeypatch.setattr(cargo, "registry_reachable", lambda: pytest.fail("probed again"))
    assert cargo.cargo_source() == expected


def test_stale_cache_is_probed_again(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_cache.parent.mkdir(parents=True)
    stale = {"source": "nonsense", "checked_at": time.time() - 2 * cargo.CACHE_TTL}
    fresh_cache.write_text(json.dumps(stale))
    monkeypatch.setattr(cargo, "registry_reachable", lambda: True)
    assert cargo.cargo_source() == "registry"
    assert json.loads(fresh_cache.read_text())["source"] == "registry"
