"""A submitted evidence is never edited nor deleted; a mistaken one is superseded; operators judge each one."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, ValidationFailed
from evidence.models import DeliveryEvidence, ReviewState
from evidence.selectors import has_valid_delivery_evidence
from evidence.services import add_delivery_evidence, deliver, review_evidence
from notifications.models import Notification
from orders.models import Status
from tests.api.conftest import order_in
from tests.evidence.conftest import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

URL_1 = "https://fotos.example.pe/entrega/1.jpg"
URL_2 = "https://fotos.example.pe/entrega/2.jpg"


@pytest.fixture
def shipped(seller, owner):
    return order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)


def add_url(order, owner, url=URL_1, **extra):
    return add_delivery_evidence(
        order_id=order.pk, seller=order.seller, actor=owner, kind="buyer_receiving", url=url, **extra
    )


def test_no_api_endpoint_edits_or_deletes_an_evidence(device, shipped, owner):
    # given an uploaded photo
    created = device.post(
        f"/api/v1/orders/{shipped.pk}/evidence/",
        {"kind": "buyer_receiving", "file": upload("a.jpg", jpeg_bytes())},
    ).json()
    evidence = DeliveryEvidence.objects.get(pk=created["id"])
    # when the device tries every writing method on every evidence route
    for url in (f"/api/v1/evidence/{evidence.pk}/", f"/api/v1/evidence/{evidence.pk}/file/"):
        for method in ("put", "patch", "delete"):
            answer = getattr(device, method)(url, {"kind": "dni_photo", "url": URL_2}, format="json")
            # then none exists
            assert answer.status_code == 405, (url, method)
    # and the evidence is exactly as submitted
    assert DeliveryEvidence.objects.get(pk=evidence.pk).stored_sha256 == created["stored_sha256"]


def test_no_dashboard_route_edits_or_deletes_an_evidence(client, shipped, owner):
    evidence = add_url(shipped, owner)
    client.force_login(owner)
    for name in ("evidence_file", "evidence_viewer"):
        url = reverse(f"dashboard:{name}", args=[evidence.pk])
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(url).status_code == 405, (name, method)
    assert DeliveryEvidence.objects.filter(pk=evidence.pk, url=URL_1).exists()


def test_the_admin_neither_edits_nor_deletes_evidence(client, operator, shipped, owner):
    evidence = add_url(shipped, owner)
    client.force_login(operator)
    change = reverse("admin:evidence_deliveryevidence_change", args=[evidence.pk])
    # the page is read-only: a POST changes nothing, the delete page is forbidden
    client.post(change, {"kind": "dni_photo", "url": URL_2, "review_state": "accepted"})
    assert client.get(reverse("admin:evidence_deliveryevidence_delete", args=[evidence.pk])).status_code == 403
    # and the list offers no bulk delete
    listing = client.get(reverse("admin:evidence_deliveryevidence_changelist"))
    assert "delete_selected" not in listing.content.decode()
    client.post(
        reverse("admin:evidence_deliveryevidence_changelist"),
        {"action": "delete_selected", "_selected_action": [evidence.pk], "post": "yes"},
    )
    evidence.refresh_from_db()
    assert evidence.url == URL_1 and evidence.kind == "buyer_receiving" and evidence.review_state == "pending"


def test_the_model_and_the_database_refuse_to_alter_a_submitted_evidence(shipped, owner):
    evidence = add_url(shipped, owner)
    evidence.url = URL_2
    with pytest.raises(ValueError, match="immutable"):
        evidence.save()
    # even a bulk UPDATE that skips the model is refused by the database (PostgreSQL trigger)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEvidence.objects.filter(pk=evidence.pk).update(url=URL_2)
    assert DeliveryEvidence.objects.get(pk=evidence.pk).url == URL_1


def test_superseding_keeps_both_with_events(device, shipped, owner):
    # given a mistaken evidence
    first = add_url(shipped, owner)
    # when the seller sends the right one, saying it replaces the first
    answer = device.post(
        f"/api/v1/orders/{shipped.pk}/evidence/",
        {"kind": "buyer_receiving", "url": URL_2, "supersedes": first.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    # then both are kept, linked both ways, and the timeline says so
    detail = device.get(f"/api/v1/orders/{shipped.pk}/").json()
    by_id = {item["id"]: item for item in detail["delivery_evidence"]}
    assert by_id[first.pk]["superseded_by"] == answer.json()["id"] and not by_id[first.pk]["counts_as_valid"]
    assert by_id[answer.json()["id"]]["supersedes"] == first.pk
    kinds = [event["kind"] for event in detail["events"]]
    assert kinds.count("evidence_added") == 2 and "evidence_superseded" in kinds
    # and the first cannot be superseded twice
    again = device.post(
        f"/api/v1/orders/{shipped.pk}/evidence/",
        {"kind": "buyer_receiving", "url": URL_1, "supersedes": first.pk},
        format="json",
    )
    assert again.status_code == 409
    assert DeliveryEvidence.objects.filter(order=shipped).count() == 2


def test_another_orders_evidence_cannot_be_superseded(seller, owner, shipped):
    other = order_in(Status.SHIPPED, seller=seller, actor=owner, with_evidence=False)
    foreign = add_url(other, owner)
    with pytest.raises(ValidationFailed):
        add_url(shipped, owner, url=URL_2, supersedes_id=foreign.pk)
    assert not DeliveryEvidence.objects.filter(order=shipped).exists()


def test_a_guide_whose_receiver_differs_from_the_buyer_is_kept_with_warnings(device, shipped):
    # given the buyer "Comprador Número N" with document 4000000N
    answer = device.post(
        f"/api/v1/orders/{shipped.pk}/evidence/",
        {
            "kind": "signed_guide",
            "url": URL_1,
            "receiver_full_name": "Pedro Vecino",
            "receiver_document_number": "99999999",
            "received_at": timezone.now().isoformat(),  # after the purchase, not in the future
            "signature_present": False,
        },
        format="json",
    )
    # then it is accepted (not refused) with the differences recorded and shown
    assert answer.status_code == 201, answer.content
    codes = [w["code"] for w in answer.json()["warnings"]]
    assert codes == ["name_differs", "document_differs", "no_signature"]
    assert all(w["text"] for w in answer.json()["warnings"])


def test_a_guide_matching_the_buyer_has_no_warning(device, shipped):
    first, second = shipped.buyer_full_name.split()[:2]  # "Comprador Número"
    answer = device.post(
        f"/api/v1/orders/{shipped.pk}/evidence/",
        {
            "kind": "signed_guide",
            "url": URL_1,
            "receiver_full_name": f"{first.upper()} {second.replace('ú', 'u')}",
            "receiver_document_number": f" {shipped.buyer_document_number} ",
            "received_at": timezone.now().isoformat(),  # after the purchase, not in the future
            "signature_present": True,
        },
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["warnings"] == []


def test_an_operator_rejects_with_a_reason_the_seller_is_told_and_can_add_more(
    client, operator, owner, seller, django_capture_on_commit_callbacks
):
    # given a delivered order whose only evidence is then rejected in the admin
    order = order_in(Status.DELIVERED, seller=seller, actor=owner)
    evidence = order.delivery_evidence.get()
    assert has_valid_delivery_evidence(order)
    client.force_login(operator)
    review_url = reverse("admin:evidence_deliveryevidence_review", args=[evidence.pk])
    assert client.post(review_url, {"decision": "rejected", "reason": ""}).status_code == 200  # a reason is required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url, {"decision": "rejected", "reason": "La foto no muestra el paquete"})
    assert response.status_code == 302
    # then it no longer counts as valid delivery evidence, the members are told, and an event is recorded
    evidence.refresh_from_db()
    assert evidence.review_state == ReviewState.REJECTED and evidence.reviewed_by == operator
    assert not has_valid_delivery_evidence(order)
    notice = Notification.objects.get(user=owner, kind="evidence_reviewed")
    assert "La foto no muestra el paquete" in notice.text and notice.order_id == order.pk
    assert order.events.filter(kind="evidence_reviewed").count() == 1
    # and the seller sees the rejection and may add more on the delivered order
    client.force_login(owner)
    page = client.get(reverse("dashboard:order_detail", args=[order.pk])).content.decode()
    assert "La foto no muestra el paquete" in page and 'data-evidence-action="add"' in page
    add_url(order, owner, url=URL_2)
    assert has_valid_delivery_evidence(order)
    # and a second review of the same evidence is refused
    with pytest.raises(Conflict):
        review_evidence(evidence_id=evidence.pk, reviewer=operator, decision="accepted")


def test_an_accepted_evidence_and_the_bulk_accept_action(
    client, operator, owner, seller, shipped, django_capture_on_commit_callbacks
):
    first, second = add_url(shipped, owner), add_url(shipped, owner, url=URL_2)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:evidence_deliveryevidence_changelist"),
            {"action": "accept_selected", "_selected_action": [first.pk, second.pk]},
        )
    assert set(DeliveryEvidence.objects.values_list("review_state", flat=True)) == {"accepted"}
    assert Notification.objects.filter(user=owner, kind="evidence_reviewed").count() == 2


def test_only_rejected_or_superseded_evidence_does_not_let_the_order_be_delivered(shipped, owner, operator):
    evidence = add_url(shipped, owner)
    review_evidence(evidence_id=evidence.pk, reviewer=operator, decision="rejected", reason="Borrosa")
    with pytest.raises(Conflict, match="evidencia"):
        deliver(order_id=shipped.pk, seller=shipped.seller, actor=owner)
    shipped.refresh_from_db()
    assert shipped.status == Status.SHIPPED


def test_a_seller_cannot_review(shipped, owner):
    evidence = add_url(shipped, owner)
    with pytest.raises(Exception):  # noqa: B017 - NotFound: the review is not theirs to make
        review_evidence(evidence_id=evidence.pk, reviewer=owner, decision="accepted")
    evidence.refresh_from_db()
    assert evidence.review_state == "pending"


def test_the_database_trigger_guards_the_same_fields_as_the_model():
    # migrations keep a frozen copy of the list; a field made immutable later needs a new trigger migration
    import importlib

    from evidence.models import IMMUTABLE_FIELDS

    migration = importlib.import_module("evidence.migrations.0003_immutable_evidence_trigger")
    assert tuple(migration.IMMUTABLE_FIELDS) == tuple(IMMUTABLE_FIELDS)
