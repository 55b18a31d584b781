# dashbench: `make demo` runs the main job on the embedded default; `make test` runs the tests.
# Both set up what they need first, so a fresh clone needs nothing else.

PYTHON     ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
DASHBENCH  := $(VENV)/bin/dashbench
STAMP      := $(VENV)/.installed

# Debian packages: Rust crates for the offline Criterion build, valgrind (and a C compiler for
# its client-request shim) for the instruction counts. Chromium only for the browser test, so
# only `make test` installs it.
APT_PACKAGES     := librust-criterion-dev librust-serde-dev librust-serde-derive-dev \
                    librust-serde-json-dev librust-tokio-dev valgrind gcc
BROWSER_PACKAGES := chromium chromium-driver

# `make demo` shows a history, not one dot per graph: the instruction counts (deterministic and
# cheap) of the last DEMO_COMMITS commits, then HEAD's wall time as well.
DEMO_COMMITS ?= 4

.PHONY: setup system browser python node demo test check lint clean

setup: system python node

# $(call apt_install,PACKAGES): install those of PACKAGES that are missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

system:
	$(call apt_install,$(APT_PACKAGES))

browser:
	$(call apt_install,$(BROWSER_PACKAGES))

python: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,workloads]'
	touch $@

node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

# The history's gate (exit 1: regressions found, results complete) does not stop the demo.
demo: setup
	$(DASHBENCH) nightly --metric instructions --range HEAD~$(DEMO_COMMITS)..HEAD || [ $$? -eq 1 ]
	$(DASHBENCH) nightly --range HEAD~1..HEAD

test: setup browser
	$(PY) -m pytest -ra

# The edit-test loop: unit and small integration tests (no cargo bench, no asv environment, no
# browser), a few minutes.
check: setup
	$(PY) -m pytest -ra -m "not slow and not browser"

lint: python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf .asv $(VENV) node_modules rust/target
