"""The run command's embedded default: SQLite, with the same migrations and counter triggers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
from django.utils import timezone
from orders.models import Order
from orders.selectors import status_counts
from sellers.models import MarketplaceSite, Seller
seller = Seller.objects.create(name="S", tax_id="20999999991")
site = MarketplaceSite.objects.create(code="s", name="S")
now = timezone.now()
def make(n):
    return Order.objects.create(seller=seller, site=site, number=n, external_id=n, placed_at=now,
        buyer_full_name="A", buyer_document_number="12345678", subtotal=1, total=1, handling_deadline=now)
first, second = make("1"), make("2")
Order.objects.filter(pk=first.pk).update(status="shipped")
second.delete()
print(sorted((k, v) for k, v in status_counts(seller=seller).items() if v))
"""


@pytest.mark.slow
def test_migrations_and_counters_work_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "sellercenter.settings",
        "SELLERCENTER_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=120)
    shown = subprocess.run(
        [*manage, "shell", "-c", CHECK], env=env, cwd=ROOT, check=True, timeout=60, capture_output=True, text=True
    )
    assert shown.stdout.strip().splitlines()[-1] == "[('all', 1), ('shipped', 1)]"
