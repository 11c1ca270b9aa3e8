import io

import pytest
from PIL import Image

from tests.factories import order_with_stock


@pytest.fixture
def transfer_order(seller):
    """A bank-transfer order of S/ 100.00, unpaid, with its SKU in stock."""
    return order_with_stock(seller=seller, payment_method="bank_transfer", payment_status="pending")


@pytest.fixture
def cod_order(seller):
    return order_with_stock(seller=seller, payment_method="cash_on_delivery", payment_status="pending")


def png_bytes() -> bytes:
    """A real, decodable 8x8 PNG (a photo of a transfer voucher, as far as the checks go)."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_PIXEL = png_bytes()
