"""Supporting documents are private: reached only through views that checked the reader (core.files)."""

from __future__ import annotations

from django.http import HttpResponse

from core.files import extension_of, private_file_response
from payments.models import Payment


def payment_document_response(payment: Payment) -> HttpResponse:
    return private_file_response(
        payment.document,
        content_type=payment.document_content_type,
        filename=f"pago-{payment.pk}{extension_of(payment.document.name)}",
    )
