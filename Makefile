# contrib_norm: `make test` and `make demo` are the two commands to know.
# Each creates its virtual environment on first use and installs what it needs.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
TF_VERSION ?= 2.21
OLDEST_TF_VERSION ?= 2.15

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-tf$(TF_VERSION)

OLDEST_VENV := .venv-tf$(subst .,,$(OLDEST_TF_VERSION))
OLDEST_PY := $(OLDEST_VENV)/bin/python
OLDEST_STAMP := $(OLDEST_VENV)/.installed

# Extra pytest arguments, e.g. `make test PYTEST_ARGS='-m "not slow"'`.
PYTEST_ARGS ?=
# Two test processes (CI has 2 cores); a module's tests stay in one process
# so that module-scoped fixtures (the demo run, tf_upgrade_v2 runs) run once.
PYTEST_WORKERS ?= -n 2 --dist loadscope
QUICK ?=

.PHONY: test test-oldest demo bench ci clean

$(STAMP): setup.cfg pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,demo]" \
	    "tensorflow==$(TF_VERSION).*" "tf-keras==$(TF_VERSION).*"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

$(OLDEST_STAMP): setup.cfg pyproject.toml Makefile
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_PY) -m pip install --quiet --upgrade pip
	$(OLDEST_PY) -m pip install --quiet -e ".[test,demo]" \
	    "tensorflow==$(OLDEST_TF_VERSION).*" "tf-keras==$(OLDEST_TF_VERSION).*"
	touch $(OLDEST_STAMP)

## test: the whole test suite on the newest supported TensorFlow.
test: $(STAMP)
	@$(PY) -c "import tensorflow as tf; print('TensorFlow', tf.__version__)"
	@PYTEST_SELECTION="$(PYTEST_ARGS)" .ci/pytest $(PY) $(PYTEST_WORKERS) $(PYTEST_ARGS)

## test-oldest: the suite on the oldest supported TensorFlow (2.15, Keras 2).
test-oldest: $(OLDEST_STAMP)
	@$(OLDEST_PY) -c "import tensorflow as tf; print('TensorFlow', tf.__version__)"
	@PYTEST_SELECTION="$(PYTEST_ARGS)" .ci/pytest $(OLDEST_PY) $(PYTEST_WORKERS) $(PYTEST_ARGS)

## demo: migrate a 2017 training script and train it on a real data set.
demo: $(STAMP)
	@$(PY) examples/demo.py $(if $(QUICK),--quick,)

## bench: the benchmark suite (ratios against TensorFlow's own kernels).
bench: $(STAMP)
	@$(PY) -m benchmarks $(if $(QUICK),--quick,)

## ci: what .ci/run does.
ci: test test-oldest

clean:
	rm -rf $(VENV) $(OLDEST_VENV) demo-results .pytest_cache .hypothesis
