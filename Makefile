# The two commands of the README: `make analysis` and `make test`. Both install what is needed first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup analysis test lab model bench clean

# Reinstall only when the package definition changed.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project

analysis: setup  ## the main job, on the bundled demo corpus: executed notebooks and HTML in reports/
	$(BIN)/mjs run --corpus corpus --output reports

test: setup  ## the whole test suite
	$(BIN)/python -m pytest -q

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
