.PHONY: run test lint format bench messages

# Run the application with demo data (SQLite, local files, embedded Celery broker).
run:
	scripts/run.sh

# Run the whole test suite (PostgreSQL, Redis, headless Chromium).
test:
	scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench:
	.venv/bin/python bench/order_list.py

# Refresh the English catalog from the code, then compile it (tests/test_message_catalog.py checks it is current).
# msgmerge guesses translations for new strings from similar old ones: those guesses are emptied, not kept.
CATALOG = locale/en/LC_MESSAGES/django.po
messages:
	.venv/bin/python manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench \
		--ignore=tests --ignore=staticfiles --ignore=node_modules --ignore=.git
	msgattrib --clear-fuzzy --empty --clear-previous -o $(CATALOG) $(CATALOG)
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var
