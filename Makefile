# make test   set up .venv if needed, check the environment, lint, run tests
# make demo   set up if needed, then train + evaluate on synthetic people
# make mutation  mutation testing (mutmut, setup.cfg's [mutmut]; hours on
#             2 cores; mutants/ keeps the results between runs)
# make setup  only the set-up; VENV=path or PYTHON=path/to/python to install
#             into another environment (e.g. a conda env's python)
VENV ?= .venv
ifdef PYTHON
  SETUP_ARGS := --python $(PYTHON)
  PY := $(PYTHON)
else
  SETUP_ARGS := --venv $(VENV)
  PY := $(VENV)/bin/python
endif
PYTEST_ARGS ?=

.PHONY: setup check lint test demo mutation clean

setup:
	@bash tools/setup_env.sh $(SETUP_ARGS)

check: setup
	$(PY) tools/check_env.py

lint: setup
	$(PY) -m flake8 hg_plugin hg_deploy tools configs tests benchmarks
	$(PY) -m isort --check-only --diff hg_plugin hg_deploy tools configs tests benchmarks

test: check lint
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: setup
	PYTHON=$(PY) bash tools/demo.sh

mutation: setup
	$(PY) -m pip install -q -r requirements/mutation.txt
	# mutmut runs the tests from a copy in mutants/, so the reference data
	# folder is named by its absolute path
	HG_REFERENCE_DATA=$${HG_REFERENCE_DATA:-$(abspath ../shared/data)} \
	  OMP_NUM_THREADS=1 HYPOTHESIS_PROFILE=mutation $(PY) -m mutmut run || true
	$(PY) -m mutmut results

clean:
	rm -rf work_dirs data/synthetic .pytest_cache mutants
