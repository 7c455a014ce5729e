# The two commands of the README: `make analysis` and `make test`. Both install what is needed first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup analysis test test-browser lab model bench clean

# Reinstall only when the package definition changed.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The project's JupyterLab settings go into its own environment, never into the user's home (jupyter/README.md):
# jupytext sources open as notebooks on a double click; no news, update checks or PyPI queries.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_SERVER   := $(VENV)/etc/jupyter/jupyter_server_config.d/mjs-analysis.json

$(LAB_SETTINGS): jupyter/overrides.json $(STAMP)
	@mkdir -p $(@D) && cp $< $@

$(LAB_SERVER): jupyter/jupyter_server_config.json $(STAMP)
	@mkdir -p $(@D) && cp $< $@

# The browser test's extra: Playwright (the pip package; it drives the system's Chromium, see README).
BROWSER_STAMP := $(VENV)/.browser-stamp

$(BROWSER_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,browser]'
	@touch $@

setup: $(STAMP) $(LAB_SETTINGS) $(LAB_SERVER)  ## create .venv and install the project

analysis: setup  ## the main job, on the bundled demo corpus: executed notebooks and HTML in reports/
	$(BIN)/mjs run --corpus corpus --output reports

test: setup  ## the whole test suite
	$(BIN)/python -m pytest -q

test-browser: setup $(BROWSER_STAMP)  ## JupyterLab driven by Playwright on the system's Chromium (tests/browser)
	$(BIN)/python -m pytest -q tests/browser

lab: setup  ## JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks

model: setup  ## download a trained Dutch spaCy pipeline (needs internet)
	$(BIN)/python -m spacy download nl_core_news_md

bench: setup  ## the benchmarks (figures go into the README by hand)
	$(BIN)/python benchmarks/bench_readers.py
	$(BIN)/python benchmarks/bench_tagging.py
	$(BIN)/python benchmarks/bench_quality.py
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_privacy.py
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_topics.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
