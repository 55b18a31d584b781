"""Install a measured commit into its asv environment with only what that commit needs.

    python -P tools/install_measured.py WHEEL      (asv.conf.json's install_command)

The wheel goes in without its dependencies: the tool's own (report, charts) are never used in
a benchmark environment. Then come the wheel's ``workloads`` extra, or, for a commit from
before that extra, every requirement it declares, and what this checkout's bridges import
there (``BRIDGES``). ``PIP_CONSTRAINT`` (the environment's constraints file) pins them all.
It runs with the environment's interpreter, so it needs nothing but the standard library.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

EXTRA = "workloads"
# Third-party imports of rust_bridge/ and callgrind_bridge/, which asv loads from the checkout
# (tests/test_install_measured.py keeps this in step with the code).
BRIDGES = ("asv", "gitpython", "fastjsonschema")
_NAME = re.compile(r"[A-Za-z0-9]")


def requirements(wheel: Path) -> list[str]:
    """What the wheel's commit needs to run its workloads, as pip requirement strings."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    declared = metadata.get_all("Requires-Dist") or []
    if EXTRA not in (metadata.get_all("Provides-Extra") or []):
        return [r for r in declared if "extra ==" not in r]
    wanted = []
    for requirement in declared:
        spec, _, marker = requirement.partition(";")
        if marker.strip().replace("'", '"') == f'extra == "{EXTRA}"':
            wanted.append(spec.strip())
    return wanted


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: install_measured.py WHEEL", file=sys.stderr)
        return 2
    wheel = Path(argv[0]).resolve()  # absolute, so never read as a pip option
    if not wheel.is_file():
        print(f"install_measured.py: {wheel}: no such wheel", file=sys.stderr)
        return 2
    wanted = [*requirements(wheel), *BRIDGES]
    odd = [r for r in wanted if not _NAME.match(r)]
    if odd:
        print(f"install_measured.py: {wheel}: unusable requirements {odd}", file=sys.stderr)
        return 2
    pip = [sys.executable, "-P", "-m", "pip", "install"]
    # --force-reinstall: each commit's wheel has the same version number as the last one's.
    for args in (["--force-reinstall", "--no-deps", str(wheel)], wanted):
        done = subprocess.run([*pip, *args], check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
