from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, UnsupportedMediaType, ValidationFailed
from evidence.models import (
    AttemptReason,
    DeliveryAttempt,
    DeliveryEvidence,
    EvidenceKind,
    EvidenceWarning,
    ReviewState,
)
from evidence.selectors import valid_evidence
from evidence.signals import delivery_attempt_recorded, evidence_reviewed
from evidence.validation import PreparedFile, prepare_upload
from fulfillment.services import restock_returned
from orders.models import Order, Status
from orders.workflow import TRANSITIONS, record_event, transition
from sellers.models import LogisticsMode, Seller

# Evidence may be added once the parcel left, and after delivery (for a later dispute).
EVIDENCE_STATUSES = (Status.SHIPPED, Status.DELIVERED)
# host names that only mean something inside a network
PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home", ".corp", ".intranet", ".localdomain")
NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+))*$", re.IGNORECASE)


# --- URL evidence -----------------------------------------------------------------------------------


def validate_evidence_url(url: str) -> str:
    """An https link to a public host. Nobody fetches it here (no server-side request forgery):
    it is only stored and shown as a link, so the checks keep an operator's browser pointed outward."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        parts.port  # noqa: B018 - an out-of-range port raises here
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme != "https" or not host:
        raise ValidationFailed(
            _("La URL de la evidencia debe empezar con https://."), fields={"url": [_("solo https")]}
        )
    if parts.username or parts.password or any(ch in url for ch in "\r\n\t \\"):
        raise ValidationFailed(
            _("La URL no puede llevar usuario, clave ni espacios."), fields={"url": [_("no válida")]}
        )
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    private = (
        host == "localhost"
        or host.endswith(PRIVATE_SUFFIXES)
        or (address is not None and not address.is_global)
        # 2130706433, 0x7f.1, 127.1: browsers read these as addresses, ipaddress does not
        or (address is None and NUMERIC_HOST.match(host) is not None)
        or (address is None and "." not in host)
    )
    if private:
        raise ValidationFailed(
            _("La URL debe apuntar a un sitio público."), fields={"url": [_("dirección no pública")]}
        )
    return url


# --- Buyer checks -------------------------------------------------------------------------------------


def _name_tokens(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z]+", plain)


def names_match(receiver: str, buyer: str) -> bool:
    """'Rosa Quispe' receives for 'Rosa Elena Quispe Huamán': every word given is the buyer's, and at
    least a first name and a surname are given (or the buyer's whole name when it is shorter)."""
    given, registered = _name_tokens(receiver), _name_tokens(buyer)
    if not given or not registered:
        return False
    return set(given) <= set(registered) and len(set(given)) >= min(2, len(set(registered)))


def _document(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def buyer_warnings(
    *,
    order: Order,
    kind: str,
    receiver_full_name: str,
    receiver_document_number: str,
    signature_present: bool | None,
    captured_at: datetime | None,
) -> list[str]:
    """What an operator should look at twice; stored and shown, never a reason to refuse."""
    found = []
    if receiver_full_name and not names_match(receiver_full_name, order.buyer_full_name):
        found.append(EvidenceWarning.NAME_DIFFERS)
    if receiver_document_number and _document(receiver_document_number) != _document(order.buyer_document_number):
        found.append(EvidenceWarning.DOCUMENT_DIFFERS)
    if kind == EvidenceKind.SIGNED_GUIDE and signature_present is False:
        found.append(EvidenceWarning.NO_SIGNATURE)
    if captured_at and order.shipped_at and captured_at < order.shipped_at:
        found.append(EvidenceWarning.CAPTURED_BEFORE_SHIPPING)
    return [str(code) for code in found]


# --- Adding evidence ----------------------------------------------------------------------------------


def discard_files(instance) -> None:
    """Remove what was stored for a row that will not be written (or was rolled back)."""
    for name in ("file", "thumbnail", "photo"):
        stored = getattr(instance, name, None)
        if stored:
            stored.storage.delete(stored.name)


def _store(instance, field: str, prepared: PreparedFile) -> None:
    instance.file_extension = prepared.extension
    getattr(instance, field).save(f"upload{prepared.extension}", prepared.stored, save=False)


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
    signature_present: bool | None = None,
    supersedes_id: int | None = None,
) -> DeliveryEvidence:
    """Attach one proof of delivery. Everything is checked before anything is stored.

    `supersedes_id` names a mistaken evidence of the same order this one replaces; both are kept.
    """
    if kind not in EvidenceKind.values:
        raise ValidationFailed(_("Tipo de evidencia no válido."), fields={"kind": [_("valor no válido")]})
    if bool(file) == bool(url):
        raise ValidationFailed(
            _("Adjunta un archivo o una URL (uno de los dos)."), fields={"file": [_("archivo o URL")]}
        )
    url = validate_evidence_url(url) if url else ""
    receiver_full_name = " ".join((receiver_full_name or "").split())
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
    prepared = prepare_upload(file) if file else None

    evidence = DeliveryEvidence(
        seller=seller,
        kind=kind,
        url=url,
        receiver_full_name=receiver_full_name,
        receiver_document_number=receiver_document_number,
        received_at=received_at,
        signature_present=signature_present if kind == EvidenceKind.SIGNED_GUIDE else None,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        if prepared:
            evidence.content_type = prepared.content_type
            evidence.original_content_type = prepared.original.content_type
            evidence.size_bytes = prepared.original.size_bytes
            evidence.sha256 = prepared.original.sha256
            evidence.stored_sha256 = prepared.stored_sha256
            evidence.original_filename = (getattr(file, "name", "") or "")[:200]
            evidence.captured_at = prepared.capture.captured_at
            evidence.capture_latitude = prepared.capture.latitude
            evidence.capture_longitude = prepared.capture.longitude
            evidence.capture_device = prepared.capture.device
            # stored before the row; removed again below if the row is not written
            _store(evidence, "file", prepared)
            if prepared.thumbnail is not None:
                evidence.thumbnail.save("thumb.jpg", prepared.thumbnail, save=False)
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
            if received_at and received_at < order.placed_at:
                raise ValidationFailed(
                    _("La fecha de recepción es anterior a la compra."),
                    fields={"received_at": [_("antes de la compra")]},
                )
            superseded = _superseded(order=order, supersedes_id=supersedes_id)
            evidence.order = order
            evidence.supersedes = superseded
            evidence.warnings = buyer_warnings(
                order=order,
                kind=kind,
                receiver_full_name=receiver_full_name,
                receiver_document_number=receiver_document_number,
                signature_present=evidence.signature_present,
                captured_at=evidence.captured_at,
            )
            try:
                with transaction.atomic():
                    evidence.save()
            except IntegrityError:
                raise Conflict(_("Esa evidencia ya fue reemplazada por otra."), code="already_superseded") from None
            record_event(
                order=order,
                kind="evidence_added",
                actor=actor,
                payload={
                    "evidence_id": evidence.pk,
                    "kind": kind,
                    "sha256": evidence.sha256,
                    "url": url,
                    "warnings": evidence.warnings,
                    **({"supersedes": superseded.pk} if superseded else {}),
                },
            )
            if superseded:
                record_event(
                    order=order,
                    kind="evidence_superseded",
                    actor=actor,
                    payload={"evidence_id": superseded.pk, "superseded_by": evidence.pk},
                )
    except BaseException:
        discard_files(evidence)
        raise
    finally:
        if prepared:
            prepared.close()
    return evidence


def _superseded(*, order: Order, supersedes_id) -> DeliveryEvidence | None:
    if supersedes_id in (None, ""):
        return None
    try:
        supersedes_id = int(supersedes_id)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Evidencia a reemplazar no válida."), fields={"supersedes": [_("no válida")]}
        ) from None
    previous = DeliveryEvidence.objects.filter(pk=supersedes_id, order=order).first()
    if previous is None:
        # another order's (or seller's) evidence is simply not there
        raise ValidationFailed(
            _("La evidencia a reemplazar no es de esta orden."), fields={"supersedes": [_("no encontrada")]}
        )
    if DeliveryEvidence.objects.filter(supersedes=previous).exists():
        raise Conflict(_("Esa evidencia ya fue reemplazada por otra."), code="already_superseded")
    return previous


# --- Operators' review --------------------------------------------------------------------------------


def review_evidence(*, evidence_id: int, reviewer, decision: str, reason: str = "") -> DeliveryEvidence:
    """An operator accepts or rejects (with a reason) one evidence, once; the members are told."""
    if not getattr(reviewer, "is_staff", False):
        raise NotFound(_("Evidencia no encontrada."))
    if decision not in (ReviewState.ACCEPTED, ReviewState.REJECTED):
        raise ValidationFailed(_("Decisión no válida."), fields={"decision": [_("valor no válido")]})
    reason = " ".join((reason or "").split())[:500]
    if decision == ReviewState.REJECTED and not reason:
        raise ValidationFailed(_("Indica el motivo del rechazo."), fields={"reason": [_("requerido")]})
    with transaction.atomic():
        evidence = DeliveryEvidence.objects.select_for_update().select_related("order").filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFound(_("Evidencia no encontrada."))
        if evidence.review_state != ReviewState.PENDING:
            raise Conflict(
                _("Esta evidencia ya fue revisada (%(state)s).") % {"state": evidence.get_review_state_display()},
                code="already_reviewed",
            )
        now = timezone.now()
        # only the review columns change: the evidence itself stays as submitted
        DeliveryEvidence.objects.filter(pk=evidence.pk).update(
            review_state=decision,
            rejection_reason=reason if decision == ReviewState.REJECTED else "",
            reviewed_by=reviewer,
            reviewed_at=now,
        )
        evidence.refresh_from_db()
        record_event(
            order=evidence.order,
            kind="evidence_reviewed",
            actor=reviewer,
            payload={"evidence_id": evidence.pk, "review_state": decision, "reason": evidence.rejection_reason},
        )
        transaction.on_commit(
            lambda: evidence_reviewed.send(
                sender=DeliveryEvidence,
                evidence_id=evidence.pk,
                order_id=evidence.order_id,
                seller_id=evidence.seller_id,
                review_state=decision,
            ),
            robust=True,
        )
    return evidence


# --- Delivery -----------------------------------------------------------------------------------------


def deliver(*, order_id: int, seller: Seller, actor) -> Order:
    """ "Entregar": only with at least one valid proof of delivery (not rejected, not superseded)."""

    def guard(order: Order) -> dict:
        evidence_ids = list(valid_evidence(order=order).values_list("id", flat=True))
        if not evidence_ids:
            raise Conflict(
                _("Adjunta al menos una evidencia de entrega (foto, guía firmada o URL) antes de entregar."),
                code="evidence_required",
            )
        return {"evidence_ids": evidence_ids}

    return transition(order_id=order_id, seller=seller, action="deliver", actor=actor, guard=guard)


def deliver_with_evidence(*, order_id: int, seller: Seller, actor, **evidence) -> Order:
    """ "Entregar" with a proof attached in the same step (the dashboard's form): both or neither.

    Without a file or URL it is a plain `deliver` (the order may already hold its evidence).
    """
    if not (evidence.get("file") or evidence.get("url")):
        return deliver(order_id=order_id, seller=seller, actor=actor)
    added = None
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
            if order is None or order.status not in TRANSITIONS["deliver"].sources:
                return deliver(order_id=order_id, seller=seller, actor=actor)  # its own 404/409, nothing stored
            added = add_delivery_evidence(order_id=order_id, seller=seller, actor=actor, **evidence)
            return deliver(order_id=order_id, seller=seller, actor=actor)
    except Exception:
        # the rows rolled back; the stored file must go too
        if added is not None:
            discard_files(added)
        raise


# --- Failed delivery attempts ---------------------------------------------------------------------------


def _max_attempts(seller: Seller) -> int:
    contract = getattr(seller, "contract", None)
    if contract is not None:
        return contract.max_delivery_attempts
    return settings.CONTRACT_DEFAULTS["max_delivery_attempts"]


def record_failed_attempt(
    *,
    order_id: int,
    seller: Seller,
    actor,
    reason: str,
    note: str = "",
    photo: UploadedFile | None = None,
    attempted_at: datetime | None = None,
) -> DeliveryAttempt:
    """The seller's own courier could not deliver. Each attempt is an OrderEvent; the contract's last
    one returns the order to the seller ("Devuelta al vendedor") in the same transaction.

    `actor=None` is the marketplace's courier reporting through the system; a seller's member records
    attempts only for orders its own courier carries.
    """
    if reason not in AttemptReason.values:
        raise ValidationFailed(_("Motivo no válido."), fields={"reason": [_("valor no válido")]})
    note = " ".join((note or "").split())
    if len(note) > 500:
        raise ValidationFailed(_("La nota admite 500 caracteres."), fields={"note": [_("demasiado larga")]})
    now = timezone.now()
    if attempted_at and attempted_at > now + timezone.timedelta(minutes=1):
        raise ValidationFailed(_("La fecha del intento está en el futuro."), fields={"attempted_at": [_("futuro")]})
    prepared = prepare_upload(photo, with_thumbnail=False) if photo else None
    if prepared and not prepared.content_type.startswith("image/"):
        prepared.close()
        raise UnsupportedMediaType(
            _("La foto del intento debe ser una imagen (JPEG, PNG, WebP o HEIC)."),
            fields={"photo": [_("formato no admitido")]},
        )
    attempt = DeliveryAttempt(
        seller=seller,
        reason=reason,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        if prepared:
            attempt.photo_content_type = prepared.content_type
            attempt.photo_sha256 = prepared.original.sha256
            _store(attempt, "photo", prepared)
        with transaction.atomic():
            # the row lock orders simultaneous attempts: none is skipped, the return happens once
            order = Order.objects.select_for_update(no_key=True).filter(pk=order_id, seller=seller).first()
            if order is None:
                raise NotFound(_("Orden no encontrada."))
            if order.status != Status.SHIPPED:
                raise Conflict(
                    _("Solo se registran intentos de entrega de órdenes «Enviada»; esta está «%(status)s».")
                    % {"status": order.get_status_display()},
                    code="invalid_state",
                    fields={"status": [order.status]},
                )
            if actor is not None and order.logistics_mode == LogisticsMode.MARKETPLACE_COURIER:
                raise Conflict(
                    _("El courier del marketplace registra sus propios intentos de entrega."),
                    code="marketplace_courier",
                )
            when = attempted_at or now
            if order.shipped_at and when < order.shipped_at:
                raise ValidationFailed(
                    _("El intento no puede ser anterior al envío."), fields={"attempted_at": [_("antes del envío")]}
                )
            previous = DeliveryAttempt.objects.filter(order=order).order_by("-number").first()
            attempt.order = order
            attempt.number = (previous.number if previous else 0) + 1
            attempt.attempted_at = when
            allowed = _max_attempts(seller)
            attempt.save()
            record_event(
                order=order,
                kind="delivery_attempt_failed",
                actor=actor,
                payload={
                    "attempt_id": attempt.pk,
                    "number": attempt.number,
                    "max_attempts": allowed,
                    "reason": reason,
                    "note": note,
                },
            )
            returned = attempt.number >= allowed
            if returned:
                attempt.order = transition(
                    order_id=order.pk,
                    seller=seller,
                    action="return_to_seller",
                    actor=actor,
                    payload={"after_attempts": attempt.number, "reason": reason},
                    guard=lambda returned_order: restock_returned(order=returned_order, actor=actor),
                )
            transaction.on_commit(
                lambda: delivery_attempt_recorded.send(
                    sender=DeliveryAttempt,
                    attempt_id=attempt.pk,
                    order_id=order.pk,
                    seller_id=seller.pk,
                    returned=returned,
                ),
                robust=True,
            )
    except BaseException:
        discard_files(attempt)
        raise
    finally:
        if prepared:
            prepared.close()
    return attempt
