from __future__ import annotations

import ipaddress
from datetime import datetime
from urllib.parse import urlsplit

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, ValidationFailed
from evidence.models import DeliveryEvidence, EvidenceKind
from evidence.validation import check_upload
from orders.models import Order, Status
from orders.workflow import record_event, transition
from sellers.models import Seller

# Evidence may be added once the parcel left, and after delivery (for a later dispute).
EVIDENCE_STATUSES = (Status.SHIPPED, Status.DELIVERED)


def validate_evidence_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationFailed(
            _("La URL de la evidencia debe empezar con https://."), fields={"url": [_("solo https")]}
        )
    host = parts.hostname.lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host == "localhost" or host.endswith(".localhost") or (address and not address.is_global):
        # nobody fetches it now, but an operator's browser later must not be pointed inward
        raise ValidationFailed(
            _("La URL debe apuntar a un sitio público."), fields={"url": [_("dirección no pública")]}
        )
    return url


def add_delivery_evidence(
    *,
    order_id: int,
    seller: Seller,
    actor,
    kind: str,
    file: UploadedFile | None = None,
    url: str = "",
    receiver_full_name: str = "",
    receiver_document_number: str = "",
    received_at: datetime | None = None,
) -> DeliveryEvidence:
    """Attach one proof of delivery. Everything is checked before anything is stored."""
    if kind not in EvidenceKind.values:
        raise ValidationFailed(_("Tipo de evidencia no válido."), fields={"kind": [_("valor no válido")]})
    if bool(file) == bool(url):
        raise ValidationFailed(
            _("Adjunta un archivo o una URL (uno de los dos)."), fields={"file": [_("archivo o URL")]}
        )
    checked = check_upload(file) if file else None
    url = validate_evidence_url(url) if url else ""
    receiver_full_name = (receiver_full_name or "").strip()
    receiver_document_number = (receiver_document_number or "").strip()
    if kind == EvidenceKind.SIGNED_GUIDE:
        missing = {
            name: [_("requerido para una guía")]
            for name, value in (
                ("receiver_full_name", receiver_full_name),
                ("receiver_document_number", receiver_document_number),
                ("received_at", received_at),
            )
            if not value
        }
        if missing:
            raise ValidationFailed(
                _("La guía debe indicar nombre completo, documento, fecha y hora de recepción."), fields=missing
            )
    if received_at and received_at > timezone.now() + timezone.timedelta(minutes=1):
        raise ValidationFailed(_("La fecha de recepción está en el futuro."), fields={"received_at": [_("futuro")]})

    evidence = DeliveryEvidence(
        seller=seller,
        kind=kind,
        url=url,
        receiver_full_name=receiver_full_name,
        receiver_document_number=receiver_document_number,
        received_at=received_at,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if checked:
        evidence.file_extension = checked.extension
        evidence.content_type = checked.content_type
        evidence.size_bytes = checked.size_bytes
        evidence.sha256 = checked.sha256
        evidence.original_filename = (getattr(file, "name", "") or "")[:200]
        # stored before the row; removed again below if the row is not written
        evidence.file.save("upload", file, save=False)
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
            if order is None:
                raise NotFound(_("Orden no encontrada."))
            if order.status not in EVIDENCE_STATUSES:
                raise Conflict(
                    _("Solo se adjunta evidencia a órdenes enviadas o entregadas; esta está «%(status)s».")
                    % {"status": order.get_status_display()},
                    code="invalid_state",
                )
            evidence.order = order
            evidence.save()
            record_event(
                order=order,
                kind="evidence_added",
                actor=actor,
                payload={"evidence_id": evidence.pk, "kind": kind, "sha256": evidence.sha256, "url": url},
            )
    except BaseException:
        if evidence.file:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def deliver(*, order_id: int, seller: Seller, actor) -> Order:
    """ "Entregar": only with at least one proof of delivery on the order."""

    def guard(order: Order) -> dict:
        evidence_ids = list(DeliveryEvidence.objects.filter(order=order).values_list("id", flat=True))
        if not evidence_ids:
            raise Conflict(
                _("Adjunta al menos una evidencia de entrega (foto, guía firmada o URL) antes de entregar."),
                code="evidence_required",
            )
        return {"evidence_ids": evidence_ids}

    return transition(order_id=order_id, seller=seller, action="deliver", actor=actor, guard=guard)
