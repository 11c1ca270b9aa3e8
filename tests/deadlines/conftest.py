from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orders.models import Order
from tests.factories import OrderFactory

LIMA = ZoneInfo("America/Lima")


def at(text: str) -> datetime:
    """A Lima wall-clock time, e.g. at("2026-11-20 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LIMA)


@pytest.fixture
def overdue_order(seller, site):
    """Placed at 10:00 on the 20th: the 24 h window ends 10:00 on the 21st."""

    def build(placed: str = "2026-11-20 10:00", **fields) -> Order:
        placed_at = at(placed)
        return OrderFactory(seller=seller, site=site, placed_at=placed_at, **fields)

    return build
