"""The bench scripts still run, at a tiny size: they are run by hand, so nothing else would notice them rot.

(bench/order_list.py once stopped seeding when the order table grew a NOT NULL column.) Only that they
run through and print their figures is checked here; the figures themselves are read by people.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


@pytest.fixture
def bench_database_url():
    """A database of its own beside the test database, dropped afterwards."""
    main = settings.DATABASES["default"]
    # named after the (test) database in use, so parallel runs and the real bench database never meet
    name = f"{connection.settings_dict['NAME']}_bench_smoke"
    server = f"postgres://{main['USER']}@{main['HOST']}:{main['PORT'] or 5432}"

    def drop() -> None:
        admin = psycopg2.connect(f"{server}/postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    drop()
    yield f"{server}/{name}"
    drop()


def run_bench(script: str, *arguments: str, env: dict | None = None) -> str:
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    finished = subprocess.run(
        [str(python), f"bench/{script}", *arguments],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    return finished.stdout


def test_order_list_bench_runs(bench_database_url):
    printed = run_bench(
        "order_list.py",
        *("--orders", "3000", "--sellers", "10", "--big", "1500", "--requests", "3", "--deep-page", "5"),
        env={"BENCH_DATABASE_URL": bench_database_url},
    )
    assert "seeded 3,000 orders over 10 sellers" in printed
    for case in ("raw SQL", "Django floor", "+ device token", "ORM selector", "API", "dashboard"):
        assert f"{case}, first page" in printed
    assert "API: page 5 p95 / first page p95 =" in printed
    assert "dashboard: page 5 p95 / first page p95 =" in printed


def test_sweep_bench_runs(bench_database_url):
    printed = run_bench(
        "sweep.py",
        *("--orders", "3000", "--overdue", "100", "--sellers", "10", "--rounds", "1"),
        env={"BENCH_DATABASE_URL": bench_database_url},
    )
    assert "seeded 3,000 orders (100 overdue)" in printed
    assert "ratio sweep / that:" in printed
    assert "next sweep, nothing to raise:" in printed


def test_evidence_upload_bench_runs():
    printed = run_bench("evidence_upload.py", "--uploads", "2", "--big-uploads", "1")
    assert "photo 3.0 MB        2" in printed
    assert "objects in the bucket:" in printed
