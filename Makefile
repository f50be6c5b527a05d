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

# Benchmarks against the reference libraries (mosqito, timbral_models) run in their own
# environment: they are for validation only and must not touch the project's torch.
BENCH_VENV := .venv-bench
BENCH_PY   := $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.installed: pyproject.toml
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q --upgrade pip
	$(BENCH_PY) -m pip install -q torch==2.13.0
	$(BENCH_PY) -m pip install -q -e .
	$(BENCH_PY) -m pip install -q librosa pyloudnorm six
	$(BENCH_PY) -m pip install -q --no-deps mosqito pyuff timbral_models
	$(BENCH_PY) -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $@

.PHONY: bench
bench: $(BENCH_VENV)/.installed
	$(BENCH_PY) bench/descriptors_vs_reference.py
	$(BENCH_PY) bench/build_speed.py
