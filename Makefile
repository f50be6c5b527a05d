# The README's two commands: `make demo` and `make test`. Both set up the venv first;
# the stamp makes that a no-op when pyproject.toml has not changed.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   := out/demo.semantic

.PHONY: venv demo test clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned, so no dependency can pull another build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $@

demo: venv
	$(PY) -m engine.build --out $(DEMO)

test: venv
	$(PY) -m pytest -q tests

clean:
	rm -rf out build dist
