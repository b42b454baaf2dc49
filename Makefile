# The two commands a newcomer needs: `make serve` and `make test`.
# Both create the virtualenv, install the project and compile translations first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve dev test lint translations extract bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel -q compile -d locales -D messages

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching

serve: install
	$(BIN)/formkit serve

dev: install
	$(BIN)/formkit serve --dev

test: install
	$(BIN)/ruff check formkit plugins tests bench
	$(BIN)/pytest -n auto --dist loadfile

bench: install
	$(BIN)/python bench/submit.py

clean:
	rm -rf $(VENV) instance .pytest_cache
