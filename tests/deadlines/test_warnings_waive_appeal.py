"""One warning per deadline; operators waive, sellers appeal; a late ship is penalised at that moment."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from core.errors import Conflict, NotFound, ValidationFailed
from fulfillment.deadlines import appeal_penalty, enforce_deadlines, send_deadline_warnings, waive_penalty
from fulfillment.models import DeadlineWarning, Penalty, PenaltyRule, PenaltyStatus
from fulfillment.services import ship, start_handling
from notifications.models import Notification
from orders.models import OrderEvent
from tests.deadlines.conftest import at
from tests.factories import OrderFactory, order_with_stock


def test_one_warning_per_deadline_within_the_lead_time(
    seller, site, owner, staff_member, django_capture_on_commit_callbacks
):
    # given an order due at 10:00 on the 21st and a 4-hour warning lead time
    order = OrderFactory(seller=seller, site=site, placed_at=at("2026-11-20 10:00"))
    # when the warning task runs before the lead time: nothing
    with time_machine.travel(at("2026-11-21 05:59"), tick=False):
        assert send_deadline_warnings() == 0
    # when it runs inside the lead time, many times
    for minute in range(0, 50, 7):
        with (
            time_machine.travel(at(f"2026-11-21 06:{minute:02d}"), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            send_deadline_warnings()
    # then each member was warned once, in the panel and by e-mail, with the clock's words
    assert DeadlineWarning.objects.filter(order=order).count() == 1
    for user in (owner, staff_member):
        notice = Notification.objects.get(order=order, user=user, kind="deadline_warning")
        assert "Iniciar manejo antes de las 10:00" in notice.text
        assert "S/ 50" in notice.text and "cláusula 19" in notice.text
    warning_mails = [m for m in mail.outbox if "Plazo por vencer" in m.subject]
    assert len(warning_mails) == 1
    assert {owner.email, staff_member.email} <= set(warning_mails[0].to)
    # and once the deadline has passed, no warning comes any more (the penalty notice does)
    with time_machine.travel(at("2026-11-21 10:00:01"), tick=False):
        assert send_deadline_warnings() == 0


def test_the_ship_by_deadline_gets_its_own_warning(seller, site, owner):
    order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-20 10:00"))
    with time_machine.travel(at("2026-11-21 07:00"), tick=False):
        assert send_deadline_warnings() == 1  # handling
        start_handling(order_id=order.pk, seller=seller, actor=owner)  # ship by the 24th 07:00
    with time_machine.travel(at("2026-11-24 04:00"), tick=False):
        assert send_deadline_warnings() == 1  # ship-by
        assert send_deadline_warnings() == 0
    assert set(DeadlineWarning.objects.values_list("rule", flat=True)) == set(PenaltyRule.values)


def test_a_late_ship_is_penalised_once_by_when_the_seller_acts(seller, site, owner):
    order = order_with_stock(seller=seller, site=site, placed_at=at("2026-11-20 10:00"), total=Decimal("200.00"))
    with time_machine.travel(at("2026-11-20 11:00"), tick=False):
        start_handling(order_id=order.pk, seller=seller, actor=owner)  # ship by the 23rd 11:00
    # when the seller ships late, declaring an earlier shipped_at
    with time_machine.travel(at("2026-11-23 12:00"), tick=False):
        ship(
            order_id=order.pk,
            seller=seller,
            actor=owner,
            carrier="Olva",
            tracking_number="OLV-1",
            shipped_at=at("2026-11-23 10:00"),
        )
        assert enforce_deadlines().total == 0
    # then one late-shipping penalty (10 % of 200) raised when it acted
    penalty = Penalty.objects.get(order=order)
    assert (penalty.rule, penalty.amount, penalty.raised_at) == (
        PenaltyRule.LATE_SHIPPING,
        Decimal("20.00"),
        at("2026-11-23 12:00"),
    )


@pytest.fixture
def penalty(seller, site):
    OrderFactory(seller=seller, site=site, placed_at=at("2026-11-19 10:00"))
    with time_machine.travel(at("2026-11-21 10:00"), tick=False):
        enforce_deadlines()
    return Penalty.objects.get()


def test_an_operator_waives_with_a_reason(penalty, operator):
    with pytest.raises(ValidationFailed):
        waive_penalty(penalty_id=penalty.pk, actor=operator, reason="  ")
    waive_penalty(penalty_id=penalty.pk, actor=operator, reason="Caída de la plataforma el 20/11")
    penalty.refresh_from_db()
    assert penalty.status == PenaltyStatus.WAIVED
    assert penalty.waived_by == operator and penalty.waive_reason == "Caída de la plataforma el 20/11"
    event = OrderEvent.objects.get(order=penalty.order, kind="penalty_waived")
    assert event.actor == operator and event.payload["reason"] == "Caída de la plataforma el 20/11"
    # a second waive is refused and records nothing
    with pytest.raises(Conflict):
        waive_penalty(penalty_id=penalty.pk, actor=operator, reason="otra vez")
    assert OrderEvent.objects.filter(kind="penalty_waived").count() == 1


def test_a_seller_appeals_once_and_only_its_own(penalty, seller, owner, other_seller, other_owner, operator):
    with pytest.raises(NotFound):
        appeal_penalty(penalty_id=penalty.pk, seller=other_seller, actor=other_owner, text="No es mía")
    with pytest.raises(ValidationFailed):
        appeal_penalty(penalty_id=penalty.pk, seller=seller, actor=owner, text="")
    appeal_penalty(penalty_id=penalty.pk, seller=seller, actor=owner, text="El pago se confirmó tarde")
    penalty.refresh_from_db()
    assert (penalty.status, penalty.appeal_text, penalty.appealed_by) == (
        PenaltyStatus.APPEALED,
        "El pago se confirmó tarde",
        owner,
    )
    assert OrderEvent.objects.get(order=penalty.order, kind="penalty_appealed").actor == owner
    with pytest.raises(Conflict):
        appeal_penalty(penalty_id=penalty.pk, seller=seller, actor=owner, text="otra vez")
    # an operator may then waive the appealed penalty
    waive_penalty(penalty_id=penalty.pk, actor=operator, reason="Apelación aceptada")
    penalty.refresh_from_db()
    assert penalty.status == PenaltyStatus.WAIVED
