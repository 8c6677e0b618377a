# Two commands: `make demo` (set up, then plan Bontang) and `make test` (set up, then run the tests).
# `make app` starts the planner app (local web application) on the embedded Bontang data.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/bontang
WORKSPACE ?= planner-workspace

.PHONY: setup setup-browser setup-office demo app test check bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/planner plan --out $(OUT) --force --ladder --same-method sidoarjo

# The planner app on http://127.0.0.1:8765/ (opens the browser); edits, scenarios and results stay in
# $(WORKSPACE)/ (not removed by `make clean`). Stop with Ctrl+C.
app: $(STAMP)
	$(BIN)/planner app --workspace $(WORKSPACE)

# Headless Chromium for tests/outputs/test_browser.py, from Debian; where it cannot be installed the test skips and says so.
setup-browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium and chromium-driver (Debian) for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver || echo "setup-browser: could not install chromium; tests/outputs/test_browser.py will skip"; \
	else echo "setup-browser: chromium missing and not root; tests/outputs/test_browser.py will skip"; fi

# Headless LibreOffice Calc for tests/outputs/test_rab_office.py (recalculates rab.xlsx, exports it to PDF),
# from Debian; where it cannot be installed those tests skip and say so.
setup-office:
	@if command -v soffice >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing libreoffice-calc-nogui (Debian) for the workbook tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui || echo "setup-office: could not install LibreOffice; tests/outputs/test_rab_office.py will skip"; \
	else echo "setup-office: soffice missing and not root; tests/outputs/test_rab_office.py will skip"; fi

# pytest exits 5 when it collects no test: say so instead of failing silently
# The suite runs on up to 4 processes (pytest-xdist; 2 on a 2-core machine): 977 tests in about 4 min
# instead of 5.5 min on one.
test: $(STAMP) setup-browser setup-office
	@$(BIN)/python -m pytest -n auto --maxprocesses 4; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# Fast lane for daily work (under a minute): everything but the tests marked slow (browser, notebooks,
# repeated Bontang solves). CI runs `make test`, the full suite.
check: $(STAMP)
	@$(BIN)/python -m pytest -q -m "not slow" -n auto --maxprocesses 4; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/planner bench steiner ../shared/benchmarks/steiner/public --time-limit 10

clean:
	rm -rf $(VENV) out
