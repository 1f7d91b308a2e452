# Two commands on a fresh machine (Python 3.11 + pip, nothing else):
#   make run    the main job: gradient report (manual vs autograd vs numeric), then every lab
#   make test   the test suite
#   make labs-notebooks   every reference lab in full, as a notebook in a fresh Jupyter kernel (slow)
#   make mutants   mutation testing (not part of make test): the kill rate, docs/mutation.md
# Both create and reuse .venv on their own.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow test-cuda bench labs labs-notebooks mutants clean-venv

run: $(STAMP)
	$(PY) -m cs229nn run

# The student labs (labs/) from the reference (solutions/); a test fails if they differ.
labs: $(STAMP)
	$(PY) -m cs229nn assign solutions labs

labs-notebooks: $(STAMP)
	$(PY) -m cs229nn.lab.notebook solutions

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

mutants: $(STAMP)
	$(PY) tools/mutants.py -j 2

# Reinstall when the declared dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
