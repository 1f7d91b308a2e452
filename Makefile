# Two commands on a fresh machine (Python 3.11 + pip, nothing else):
#   make run    the main job: gradient report (manual vs autograd vs numeric)
#   make test   the test suite
# Both create and reuse .venv on their own.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow test-cuda bench clean-venv

run: $(STAMP)
	$(PY) -m cs229nn run

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

test-slow: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m slow

# Every ratio in docs/performance.md, one script after the other; a missed target does not stop the rest.
bench: $(STAMP)
	-$(PY) benchmarks/bench_mlp_step.py
	-$(PY) benchmarks/bench_conv.py
	-$(PY) benchmarks/bench_epoch.py
	-$(PY) benchmarks/bench_vectorization.py

# Reinstall when the declared dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
