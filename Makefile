# dashbench: `make demo` runs the main job on the embedded default; `make test` runs the tests.
# Both set up what they need first, so a fresh clone needs nothing else.

PYTHON     ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
DASHBENCH  := $(VENV)/bin/dashbench
STAMP      := $(VENV)/.installed

# Debian packages: Rust crates for the offline Criterion build, valgrind (and a C compiler for
# its client-request shim) for the instruction counts, and Chromium for the browser test.
APT_PACKAGES := librust-criterion-dev librust-serde-dev librust-serde-derive-dev \
                librust-serde-json-dev librust-tokio-dev valgrind gcc chromium chromium-driver

.PHONY: setup system python node demo test check lint clean

setup: system python node

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

python: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,workloads]'
	touch $@

node: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

demo: setup
	$(DASHBENCH) nightly

test: setup
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
