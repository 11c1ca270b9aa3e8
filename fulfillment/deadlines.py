"""Deadlines and contract penalties: the sweep, the warnings, a late action's penalty, waive, appeal.

Correctness rests on what is stored, not on when beat fires: each order carries its deadlines
(handling_deadline, ship_by_deadline), and a Penalty is unique per (order, rule). A sweep that
runs twice, late, or after a skipped tick raises exactly what is overdue and nothing twice;
a seller who acts late races it on the same unique constraint.

The sweep is set-based: per rule and batch, one INSERT ... SELECT ... ON CONFLICT DO NOTHING
over the partial index of open orders, which also writes the orders' "penalty_raised" events
from the rows it actually inserted (RETURNING). Each batch is its own transaction, so a worker
killed mid-sweep loses at most the batch in flight, which the next run raises.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, ValidationFailed
from fulfillment.models import DeadlineWarning, Penalty, PenaltyRule, PenaltyStatus
from fulfillment.selectors import RULES, RuleSpec, contract_of, money, sla_clock
from orders.models import AWAITS_PAYMENT_SQL, PENALTIES_APPLY, Order, awaits_payment_q, penalties_apply_sql
from orders.workflow import record_event
from sellers.models import Contract, Seller

# Sent after commit with the ids actually inserted; notifications turns them into notices.
penalties_raised = Signal()  # kwargs: penalty_ids
deadline_warnings_raised = Signal()  # kwargs: warning_ids

# Test hook: pause inside batch N's transaction (rows written, not committed) and touch a file,
# so a test can SIGKILL the worker mid-sweep. Never set in production.
PAUSE_IN_BATCH_ENV = "SELLERCENTER_SWEEP_PAUSE_IN_BATCH"
PAUSE_FILE_ENV = "SELLERCENTER_SWEEP_PAUSE_FILE"


@dataclass
class SweepResult:
    raised: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RULES, 0))
    batches: int = 0

    @property
    def total(self) -> int:
        return sum(self.raised.values())


def _defaults(spec: RuleSpec) -> dict:
    """A seller without a saved contract is held to the default terms (LEFT JOIN + COALESCE)."""
    terms = settings.CONTRACT_DEFAULTS
    return {
        "d_clause": terms["penalty_clause"],
        "d_kind": terms[spec.kind_field],
        "d_value": Decimal(terms[spec.value_field]),
        "d_currency": terms["penalty_currency"],
    }


def _json_object() -> str:
    # both take alternating key, value arguments
    return "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"


def _insert_penalties_sql(spec: RuleSpec, *, one_order: bool, after: bool = False) -> str:
    deadline = spec.deadline_field
    only = "AND o.id = %(order_id)s" if one_order else ""
    if after:
        # the next batch starts where the last one ended, instead of re-reading what it raised
        only += (
            f" AND (o.{deadline} > %(after_deadline)s OR (o.{deadline} = %(after_deadline)s AND o.id > %(after_id)s))"
        )
    # PostgreSQL: OFFSET 0 keeps the NOT EXISTS a per-row probe of the unique index; as a join the
    # planner, misled by the stats of a table that just grew by a batch, can go quadratic
    probe_fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    # the handling clock does not run against the seller while a prepaid order awaits its payment
    unpaid = f" AND NOT {AWAITS_PAYMENT_SQL}" if spec.rule == PenaltyRule.LATE_HANDLING else ""
    # NOT EXISTS skips what is already raised (so batches progress and an empty sweep reads only
    # the open overdue orders); ON CONFLICT is the guard when two writers race.
    return f"""
        INSERT INTO fulfillment_penalty
            (seller_id, order_id, rule, clause, deadline, amount, currency, raised_at, status,
             waive_reason, appeal_text)
        SELECT o.seller_id, o.id, %(rule)s, COALESCE(c.penalty_clause, %(d_clause)s), o.{deadline},
               CASE WHEN COALESCE(c.{spec.kind_field}, %(d_kind)s) = 'percent'
                    THEN ROUND(o.total * COALESCE(c.{spec.value_field}, %(d_value)s) / 100, 2)
                    ELSE COALESCE(c.{spec.value_field}, %(d_value)s) END,
               COALESCE(c.penalty_currency, %(d_currency)s), %(now)s, 'raised', '', ''
        FROM orders_order o
        LEFT JOIN sellers_contract c ON c.seller_id = o.seller_id
        WHERE o.status = %(status)s AND o.{deadline} < %(now)s AND o.on_hold_reason = '' {only}
          AND {penalties_apply_sql("o")}{unpaid}
          AND NOT EXISTS (
              SELECT 1 FROM fulfillment_penalty p WHERE p.order_id = o.id AND p.rule = %(rule)s{probe_fence})
        ORDER BY o.{deadline}, o.id
        LIMIT %(limit)s
        ON CONFLICT (order_id, rule) DO NOTHING
        RETURNING id, order_id, seller_id, rule, amount, currency, clause, raised_at, deadline
    """


def _event_select(source: str) -> str:
    return f"""
        INSERT INTO orders_orderevent
            (order_id, seller_id, kind, actor_label, from_status, to_status, payload, created_at)
        SELECT order_id, seller_id, 'penalty_raised', 'system', '', '',
               {_json_object()}('penalty_id', id, 'rule', rule, 'amount', CAST(amount AS TEXT),
                                'currency', currency, 'clause', clause),
               raised_at
        FROM {source}
    """


@dataclass
class Raised:
    ids: list[int]
    last: tuple | None  # (deadline, order_id) of the last row raised: where the next batch starts


def _raise(
    spec: RuleSpec, *, now: datetime, limit: int, order_id: int | None = None, after: tuple | None = None
) -> Raised:
    """One batch: insert the penalties and their events; returns the ids this transaction inserted."""
    params = {"rule": spec.rule, "status": spec.open_status, "now": now, "limit": limit, "order_id": order_id}
    params.update(_defaults(spec))
    if after:
        params["after_deadline"], params["after_id"] = after
    insert = _insert_penalties_sql(spec, one_order=order_id is not None, after=after is not None)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # a short OLTP statement: compiling it (JIT, chosen on estimated cost over a million
            # orders) took longer than running it
            cursor.execute("SET LOCAL jit = off")
            # one statement: the events come from exactly the rows this INSERT wrote
            # the ids come back as one array, and only the last row as the next batch's cursor:
            # fetching 50,000 rows one by one cost more than writing them
            cursor.execute(
                f"WITH raised AS ({insert}), events AS ({_event_select('raised')}) "
                "SELECT (SELECT array_agg(id) FROM raised), last.deadline, last.order_id "
                "FROM (SELECT 1) AS one LEFT JOIN LATERAL "
                "(SELECT deadline, order_id FROM raised ORDER BY deadline DESC, order_id DESC LIMIT 1) AS last ON true",
                params,
            )
            ids, deadline, last_order = cursor.fetchone()
            return Raised(ids or [], (deadline, last_order) if ids else None)
        else:
            cursor.execute(insert, params)
            rows = [(row[0], row[-1], row[1]) for row in cursor.fetchall()]
            if rows:
                placeholders = ", ".join(["%s"] * len(rows))
                cursor.execute(_event_select(f"fulfillment_penalty WHERE id IN ({placeholders})"), [r[0] for r in rows])
    last = max(rows, key=lambda row: (row[1], row[2]), default=None)
    return Raised([row[0] for row in rows], (last[1], last[2]) if last else None)


def _announce_penalties(ids: list[int]) -> None:
    transaction.on_commit(lambda: penalties_raised.send(sender=Penalty, penalty_ids=ids), robust=True)


def _pause_for_tests(batch: int) -> None:
    if os.environ.get(PAUSE_IN_BATCH_ENV) == str(batch):
        pause_file = os.environ.get(PAUSE_FILE_ENV)
        if pause_file:
            with open(pause_file, "w") as marker:
                marker.write(str(os.getpid()))
        time.sleep(120)


def enforce_deadlines(*, now: datetime | None = None, batch_size: int | None = None) -> SweepResult:
    """Raise one penalty per overdue (order, rule) not yet raised. Safe to run at any time, in parallel."""
    now = now or timezone.now()
    batch_size = batch_size or settings.DEADLINE_SWEEP_BATCH_SIZE
    result = SweepResult()
    for spec in RULES.values():
        after = None
        while True:
            result.batches += 1
            with transaction.atomic():
                raised = _raise(spec, now=now, limit=batch_size, after=after)
                _pause_for_tests(result.batches)
                if raised.ids:
                    _announce_penalties(raised.ids)
            result.raised[spec.rule] += len(raised.ids)
            # fewer than a batch: nothing left, or a parallel sweep took them (the next tick checks)
            if len(raised.ids) < batch_size:
                break
            after = raised.last
    return result


def raise_if_late(*, order: Order, rule: str, now: datetime) -> int | None:
    """Called under the order's row lock by a late "Iniciar manejo" / "Realizar envío".

    Same statement as the sweep, for this order only, in the caller's transaction: whichever of
    the two commits first raises the penalty, the other finds the unique (order, rule) taken.
    """
    spec = RULES[rule]
    deadline = getattr(order, spec.deadline_field)
    if not order.penalties_apply or deadline is None or deadline >= now:
        return None
    raised = _raise(spec, now=now, limit=1, order_id=order.pk)
    if raised.ids:
        _announce_penalties(raised.ids)
        return raised.ids[0]
    return None


# --- warnings -------------------------------------------------------------------------------------


def send_deadline_warnings(*, now: datetime | None = None) -> int:
    """Warn the members once per order and deadline when it is within the contract's lead time."""
    now = now or timezone.now()
    lead_times = [
        *Contract.objects.values_list("warning_lead_time", flat=True).distinct(),
        settings.CONTRACT_DEFAULTS["warning_lead_time"],
    ]
    horizon = now + max(lead_times)
    created = []
    for spec in RULES.values():
        deadline = spec.deadline_field
        already = DeadlineWarning.objects.filter(order=OuterRef("pk"), rule=spec.rule)
        candidates = (
            Order.objects.filter(
                PENALTIES_APPLY,
                status=spec.open_status,
                on_hold_reason="",
                **{f"{deadline}__gte": now, f"{deadline}__lt": horizon},
            )
            .exclude(awaits_payment_q())
            .filter(~Exists(already))
            .select_related("seller__contract")
        )
        # the partial index narrows to open orders due before the longest lead time; each
        # seller's own lead time is applied here
        due = [
            (order.seller_id, order.pk, getattr(order, deadline))
            for order in candidates
            if getattr(order, deadline) < now + contract_of(order.seller).warning_lead_time
        ]
        if due:
            with transaction.atomic():
                ids = _insert_warnings(spec.rule, due, now)
                if ids:
                    transaction.on_commit(
                        lambda ids=ids: deadline_warnings_raised.send(sender=DeadlineWarning, warning_ids=ids),
                        robust=True,
                    )
            created += ids
    return len(created)


def _insert_warnings(rule: str, due: list[tuple], now: datetime) -> list[int]:
    ids = []
    chunk = 500
    with connection.cursor() as cursor:
        for start in range(0, len(due), chunk):
            rows = due[start : start + chunk]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
            params = [value for seller, order, deadline in rows for value in (seller, order, rule, deadline, now)]
            # the unique (order, rule) makes it once, whoever else is warning at the same time
            cursor.execute(
                "INSERT INTO fulfillment_deadlinewarning (seller_id, order_id, rule, deadline, sent_at) "
                f"VALUES {values} ON CONFLICT (order_id, rule) DO NOTHING RETURNING id",
                params,
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


# --- what the notices say (notifications sends them) ---------------------------------------------


@dataclass(frozen=True)
class Notice:
    seller: Seller
    order: Order
    text: str
    subject: str


def penalty_notices(penalty_ids: list[int]) -> list[Notice]:
    notices = []
    for penalty in Penalty.objects.filter(pk__in=penalty_ids).select_related("order", "seller").order_by("id"):
        text = _("Penalidad %(amount)s por cláusula %(clause)s en la orden #%(number)s: %(rule)s.") % {
            "amount": money(penalty.amount, penalty.currency),
            "clause": penalty.clause,
            "number": penalty.order.number,
            "rule": penalty.get_rule_display().lower(),
        }
        subject = _("Penalidad aplicada: orden #%(number)s") % {"number": penalty.order.number}
        notices.append(Notice(penalty.seller, penalty.order, text, subject))
    return notices


def warning_notices(warning_ids: list[int]) -> list[Notice]:
    notices = []
    warnings = DeadlineWarning.objects.filter(pk__in=warning_ids).select_related("order__seller__contract", "seller")
    for warning in warnings.order_by("id"):
        clock = sla_clock(warning.order)
        if clock is None:  # handled since: nothing to warn about any more
            continue
        text = _("Orden #%(number)s: %(clock)s") % {"number": warning.order.number, "clock": clock.text}
        subject = _("Plazo por vencer: orden #%(number)s") % {"number": warning.order.number}
        notices.append(Notice(warning.seller, warning.order, text, subject))
    return notices


# --- waive and appeal -------------------------------------------------------------------------------


def waive_penalty(*, penalty_id: int, actor, reason: str) -> Penalty:
    """An operator forgives a penalty (raised or under appeal), with a reason; an OrderEvent records it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Indica el motivo de la condonación."), fields={"reason": [_("requerido")]})
    with transaction.atomic():
        penalty = Penalty.objects.select_for_update().select_related("order").get(pk=penalty_id)
        if penalty.status == PenaltyStatus.WAIVED:
            raise Conflict(_("La penalidad ya está condonada."), code="already_waived")
        penalty.status = PenaltyStatus.WAIVED
        penalty.waived_at = timezone.now()
        penalty.waived_by = actor if getattr(actor, "is_authenticated", False) else None
        penalty.waive_reason = reason
        penalty.save(update_fields=["status", "waived_at", "waived_by", "waive_reason"])
        record_event(
            order=penalty.order,
            kind="penalty_waived",
            actor=actor,
            payload={"penalty_id": penalty.pk, "rule": penalty.rule, "reason": reason},
        )
    return penalty


def appeal_penalty(*, penalty_id: int, seller: Seller, actor, text: str) -> Penalty:
    """The seller contests a raised penalty with a text; operators then waive it or not."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Explica por qué apelas la penalidad."), fields={"text": [_("requerido")]})
    if len(text) > 2000:
        raise ValidationFailed(_("La apelación admite como máximo 2000 caracteres."), fields={"text": ["max 2000"]})
    with transaction.atomic():
        penalties = Penalty.objects.select_for_update().select_related("order")
        penalty = penalties.filter(pk=penalty_id, seller=seller).first()
        if penalty is None:
            raise NotFound(_("Penalidad no encontrada."))
        if penalty.status != PenaltyStatus.RAISED:
            raise Conflict(
                _("Solo se puede apelar una penalidad aplicada; esta está «%(status)s».")
                % {"status": penalty.get_status_display()},
                code="not_appealable",
            )
        penalty.status = PenaltyStatus.APPEALED
        penalty.appealed_at = timezone.now()
        penalty.appealed_by = actor if getattr(actor, "is_authenticated", False) else None
        penalty.appeal_text = text
        penalty.save(update_fields=["status", "appealed_at", "appealed_by", "appeal_text"])
        record_event(
            order=penalty.order,
            kind="penalty_appealed",
            actor=actor,
            payload={"penalty_id": penalty.pk, "rule": penalty.rule, "text": text},
        )
    return penalty


__all__ = [
    "PenaltyRule",
    "SweepResult",
    "appeal_penalty",
    "deadline_warnings_raised",
    "enforce_deadlines",
    "penalties_raised",
    "penalty_notices",
    "raise_if_late",
    "send_deadline_warnings",
    "waive_penalty",
    "warning_notices",
]
