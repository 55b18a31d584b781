"""The published site in headless Chromium: graphs and the report render with data, and
hostile names or commit subjects execute nothing.

Data is real: a snapshot of this checkout benchmarked by asv (two pairs, samples recorded),
its Rust side measured by a quick ``cargo bench`` through the Criterion store, then
``asv publish`` and ``dashbench report``. The site is served on 127.0.0.1 only. Screenshots
land in ``$DASHBENCH_SCREENSHOTS`` (default ``artifacts/screenshots``) for a person to look at.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from test_report_project import FLAG, build_injection_project, table_rows  # noqa: E402

from dashbench.cli import main  # noqa: E402
from dashbench.pairs import load_pairs, record_anchor  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PAIR_IDS = ("sequential_execution/3_nodes_simple", "state_cloning/small_state_clone")
MACHINE = "browserbox"
SCREENSHOTS = Path(os.environ.get("DASHBENCH_SCREENSHOTS", ROOT / "artifacts" / "screenshots"))
# The site `make demo` published (its .asv/html), to check and photograph; unset: not checked.
DEMO_SITE = os.environ.get("DASHBENCH_DEMO_SITE")


def _run(cmd: list[str], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **env}, text=True, capture_output=True, check=False
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _snapshot(dest: Path) -> Path:
    """This checkout's tracked and untracked (not ignored) files as a one-commit git repo."""
    files = _run(["git", "ls-files", "-z", "-co", "--exclude-standard"], ROOT).split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    _run(["git", "init", "-q", "-b", "main"], dest)
    _run(["git", "add", "-A"], dest)
    _run(
        [
            "git",
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=b@example.invalid",
            "commit",
            "-qm",
            "snapshot for the browser test",
        ],
        dest,
    )
    return dest


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real asv + Criterion run of two pairs of this project, published with the report."""
    work = tmp_path_factory.mktemp("site")
    repo = _snapshot(work / "repo")
    sha = _run(["git", "rev-parse", "HEAD"], repo).strip()
    pairs = [p for p in load_pairs(repo / "dashbench/pairs.json") if p.criterion_id in PAIR_IDS]
    bin_dir = Path(sys.executable).parent
    cargo_env = {
        "CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR", str(ROOT / "rust" / "target"))
    }
    # asv's machine file goes to a home of our own; rustup and cargo keep theirs (conftest's
    # private_home pins RUSTUP_HOME and CARGO_HOME for the session).
    env = {**cargo_env, "HOME": str(work / "home")}
    id_filter = "^(" + "|".join(re.escape(p.criterion_id) for p in pairs) + ")$"
    _run(
        [str(bin_dir / "dashbench"), "criterion", "--config", "asv.conf.json", "run",
         "--commit", sha, "--filter", id_filter, "--quick", "--checkout", str(repo)],
        repo, **cargo_env,
    )  # fmt: skip
    names = "|".join(
        re.escape(n) for p in pairs for n in (p.python, p.rust, p.count("python"), p.count("rust"))
    )
    asv = str(bin_dir / "asv")
    _run([asv, "machine", "--yes", "--machine", MACHINE], repo, **env)
    _run(
        [asv, "run", "--machine", MACHINE, "-E", f"existing:{sys.executable}",
         "--set-commit-hash", sha, "--record-samples", "--bench", f"^({names})$"],
        repo, DASHBENCH_COMMIT=sha, DASHBENCH_CRITERION_AUTORUN="0",
        DASHBENCH_COUNTS_FILTER=id_filter, **env,
    )  # fmt: skip
    _run([asv, "publish"], repo, **env)
    assert main(["report", "--config", str(repo / "asv.conf.json")]) == 0
    return repo


@pytest.fixture(scope="module")
def injection_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = build_injection_project(tmp_path_factory.mktemp("inject"))
    assert main(["report", "--config", str(project / "asv.conf.json")]) == 0
    return project


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (never all interfaces) from a thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Debian's chromium and chromium-driver are required (make system)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


_PLOTTED_POINTS = """
const plot = window.jQuery && jQuery('#main-graph').data('plot');
if (!plot) { return null; }
let points = 0;
for (const series of plot.getData()) {
  for (const p of series.data) { if (p && p[1] !== null && isFinite(p[1])) points++; }
}
return points;
"""


def _graph_points(driver, base: str, name: str) -> int:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/index.html#{name}")
    return WebDriverWait(driver, 60).until(lambda d: d.execute_script(_PLOTTED_POINTS) or False)


_THUMBNAIL_POINTS = """
const el = document.getElementById('summarygrid-' + arguments[0]);
if (!el) { return null; }
el.scrollIntoView();
const plot = window.jQuery && jQuery(el).data('plot');
if (!plot) { return null; }
return plot.getData()[0].data.filter((p) => p && p[1] !== null && isFinite(p[1])).length;
"""


def _thumbnail_points(driver, name: str) -> int:
    """Points of the grid's thumbnail of ``name``: it draws lines only, so 1 is an empty box."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 60).until(
        lambda d: d.execute_script(_THUMBNAIL_POINTS, name) or False
    )


def _no_dialog(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - raises when no dialog is open


def test_graphs_and_report_render_with_data(project_site: Path, browser) -> None:
    pairs = [
        p for p in load_pairs(project_site / "dashbench/pairs.json") if p.criterion_id in PAIR_IDS
    ]
    html_dir = project_site / ".asv/html"
    with serve(html_dir) as base:
        for pair in pairs:
            for side, name in (
                ("python", pair.python),
                ("rust", pair.rust),
                ("python-instructions", pair.count("python")),
                ("rust-instructions", pair.count("rust")),
            ):
                assert _graph_points(browser, base, name) >= 1, f"{name}: nothing plotted"
                _screenshot(browser, f"graph-{side}-{pair.function}")
                # The canvas flot drew on is really on screen.
                size = browser.execute_script(
                    "const c = document.querySelector('#main-graph canvas.flot-base');"
                    "return c ? [c.width, c.height] : null;"
                )
                assert size and size[0] > 100 and size[1] > 100

        browser.get(f"{base}/index.html")
        assert _thumbnail_points(browser, pairs[0].count("rust")) >= 1
        browser.execute_script("window.scrollTo(0, 0)")
        _screenshot(browser, "grid")
        link = browser.find_element("css selector", "#nav-li-dashbench-report a")
        link.click()
        assert browser.current_url.endswith("/dashbench/report.html")
        rows = table_rows(browser.page_source)
        # Each id cell links to the pair's equivalence record, a page of the site.
        by_id = {re.sub(r"<[^>]+>", "", cells[0]): cells for cells in rows}
        for pair in pairs:
            cells = by_id[pair.criterion_id]
            assert f'href="equivalence.html#{record_anchor(pair.criterion_id)}"' in cells[0]
            speedup = cells[4] if not pair.exact else cells[3]
            assert re.fullmatch(r"<strong>[0-9.,]+\u00d7</strong>", speedup), cells
            ratio = cells[6] if not pair.exact else cells[5]  # from the two counts
            assert re.fullmatch(r"[0-9.,]+\u00d7", ratio), cells
        loaded = browser.execute_script(
            "return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth]);"
        )
        assert len(loaded) == 2 and all(width > 0 for _, width in loaded), loaded
        browser.execute_script("document.images[0].scrollIntoView()")
        _screenshot(browser, "report")
        browser.execute_script("window.scrollTo(0, 0)")
        _screenshot(browser, "report-top")

        # A record link leads to that pair's section of the equivalence records.
        first = pairs[0].criterion_id
        browser.find_element("link text", first).click()
        assert browser.current_url.endswith(f"/dashbench/equivalence.html#{record_anchor(first)}")
        anchor = browser.find_element("id", record_anchor(first))
        heading = anchor.find_element("xpath", "..").text
        assert first in heading, heading


def test_injected_names_and_subjects_execute_nothing(injection_site: Path, browser) -> None:
    html_dir = injection_site / ".asv/html"
    with serve(html_dir) as base:
        browser.get(f"{base}/dashbench/report.html")
        _no_dialog(browser)
        assert browser.execute_script(f"return window.{FLAG} === undefined")
        text = browser.find_element("tag name", "main").text
        assert f"<script>window.{FLAG}=1;alert(1)</script>" in text  # shown, as text
        assert not browser.find_elements("css selector", "main script, main img[onerror]")
        hrefs = browser.execute_script(
            "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href'));"
        )
        assert not any(h.lower().startswith("javascript") for h in hrefs)
        rows = table_rows(browser.page_source)
        assert any(f"{FLAG}=1" in cells[0] and "\u00d7" in cells[3] for cells in rows)
        _screenshot(browser, "injection-report")

        # asv's own pages show the same names and subjects; nothing runs there either.
        assert _graph_points(browser, base, "bench.Inject.time_work") >= 2
        _no_dialog(browser)
        assert browser.execute_script(f"return window.{FLAG} === undefined")
        _screenshot(browser, "injection-graph")


@pytest.mark.skipif(not DEMO_SITE, reason="DASHBENCH_DEMO_SITE (the site make demo made) unset")
def test_demo_site_draws_lines_for_both_languages(browser) -> None:
    """`make demo` counts a few commits: each language's instruction graph and thumbnail is a
    line over them, not a dot."""
    [pair] = [p for p in load_pairs(ROOT / "dashbench/pairs.json") if p.criterion_id == PAIR_IDS[0]]
    with serve(Path(str(DEMO_SITE))) as base:
        for language in ("python", "rust"):
            assert _graph_points(browser, base, pair.count(language)) >= 2, language
        _screenshot(browser, "demo-graph")
        browser.get(f"{base}/index.html")
        for language in ("rust", "python"):  # python last: the screenshot shows its group
            assert _thumbnail_points(browser, pair.count(language)) >= 2, language
        _screenshot(browser, "demo-grid")
