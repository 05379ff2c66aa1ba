# One source of truth for commands: README, CI and developers all use these targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export NUMBA_CACHE_DIR := $(CURDIR)/.cache/numba

APP_STAMP  := $(VENV)/.app-installed
DEV_STAMP  := $(VENV)/.dev-installed
SAMPLE     := sample_data/store/orders.csv.gz
CHROMIUM   ?= /usr/bin/chromium

.PHONY: install run test test-fast bench lint typecheck browser clean sample

NUMBA_WARM := .cache/numba/.warm

install: $(APP_STAMP) $(SAMPLE) $(NUMBA_WARM)

$(APP_STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(DEV_STAMP): $(APP_STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# The sample store is generated deterministically (seeded) instead of committed.
$(SAMPLE): $(wildcard segmentation/samples/*.py) | $(APP_STAMP)
	$(PY) -m segmentation sample --out sample_data/store

sample: $(SAMPLE)

# Compile the map engine once into numba's disk cache, so a fresh app draws its first map in seconds.
$(NUMBA_WARM): segmentation/explain/embedding.py | $(APP_STAMP)
	$(PY) -c "from segmentation.explain import warm_up; warm_up()"
	touch $@

run: install
	$(VENV)/bin/streamlit run app.py

# Browser tests need Debian's Chromium, and a Chinese font so that screenshots of Chinese files can be
# read (headless Chromium draws boxes without one); on a fresh Debian machine (CI) install them.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
browser:
	@{ test -x $(CHROMIUM) && fc-list :lang=zh | grep -q . ; } || { command -v apt-get >/dev/null && \
	  (apt-get install -y -q $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	   (apt-get update -q && apt-get install -y -q $(BROWSER_PACKAGES))); } || true

test: install $(DEV_STAMP) browser
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy segmentation
	$(PY) -m pytest -n 2

test-fast: install $(DEV_STAMP)
	$(PY) -m pytest tests/core tests/app -x -q

bench: install
	$(PY) -m bench

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy segmentation

clean:
	rm -rf $(VENV) .cache sample_data/store .pytest_cache .mypy_cache
