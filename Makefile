# The commands a newcomer needs. `make chat` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED_DIR ?= ../shared
MODEL_SRC := $(SHARED_DIR)/models/all-MiniLM-L6-v2/onnx
MODEL_CACHE := $(HOME)/.cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx
PYTEST_ARGS ?=

.PHONY: chat test install lint typecheck model index serve clean

chat: install model  ## reflect in the terminal on the embedded defaults
	$(BIN)/lif-coach chat

test: install model  ## run the test suite (set LIF_TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# Chroma downloads its embedding model on first use; where there is no internet, copy it
# from a local folder (this workplace keeps one in ../shared).
model:
	@if [ ! -f "$(MODEL_CACHE)/model.onnx" ] && [ -d "$(MODEL_SRC)" ]; then \
		mkdir -p "$(MODEL_CACHE)" && cp "$(MODEL_SRC)"/* "$(MODEL_CACHE)"/ && \
		echo "Copied the embedding model from $(MODEL_SRC)"; fi

lint: install
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench

typecheck: install
	$(BIN)/mypy bot

index: install model
	$(BIN)/lif-coach index

serve: install model
	$(BIN)/lif-coach serve

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
