.PHONY: run test lint format bench

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
