"""The deadline sweep at scale: 1,000,000 orders, 50,000 of them overdue.

    .venv/bin/python bench/sweep.py [--orders 1000000 --overdue 50000 --sellers 10000 --rounds 3]

Seeds its own PostgreSQL database (BENCH_DATABASE_URL, default sellercenter_bench_sweep) set-based,
then per round: one sweep (fulfillment.deadlines.enforce_deadlines, in its default batches, writing
the penalties and their order events) that raises every penalty, the next sweep (which raises none),
and one hand-written set-based SQL statement doing the same penalty insert. Prints the medians and
the ratio. Targets: sweep <= 2x the SQL statement; the empty sweep under 50 ms.
Run by hand; never part of the test suite. (Notices to members are sent after commit and are not
part of the timing: the receivers are disconnected here.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sellercenter_bench_sweep")

import seed  # reads BENCH_DATABASE_URL at import, so after the line above

HAND_WRITTEN_SQL = """
    INSERT INTO fulfillment_penalty
        (seller_id, order_id, rule, clause, deadline, amount, currency, raised_at, status, waive_reason, appeal_text)
    SELECT o.seller_id, o.id, 'late_handling', c.penalty_clause, o.handling_deadline,
           CASE WHEN c.late_handling_penalty_kind = 'percent'
                THEN ROUND(o.total * c.late_handling_penalty_value / 100, 2)
                ELSE c.late_handling_penalty_value END,
           c.penalty_currency, %(now)s, 'raised', '', ''
    FROM orders_order o JOIN sellers_contract c ON c.seller_id = o.seller_id
    WHERE o.status = 'pending_handling' AND o.handling_deadline < %(now)s
    ON CONFLICT (order_id, rule) DO NOTHING
"""


# for context: the same insert plus the order events the sweep also writes, in one statement
HAND_WRITTEN_SQL_WITH_EVENTS = f"""
    WITH raised AS ({HAND_WRITTEN_SQL} RETURNING id, order_id, seller_id, rule, amount, currency, clause, raised_at)
    INSERT INTO orders_orderevent (order_id, seller_id, kind, actor_label, from_status, to_status, payload, created_at)
    SELECT order_id, seller_id, 'penalty_raised', 'system', '', '',
           jsonb_build_object('penalty_id', id, 'rule', rule, 'amount', CAST(amount AS TEXT),
                              'currency', currency, 'clause', clause), raised_at
    FROM raised
"""


def seed_orders(*, total: int, overdue: int, sellers: int) -> None:
    """`total` orders over `sellers` sellers; exactly `overdue` of them pending past their handling
    deadline, the other pending ones due tomorrow. Kept as is when already seeded with these sizes."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'pending_handling' AND handling_deadline < now()) "
            "FROM orders_order"
        )
        if cursor.fetchone() == (total, overdue):
            print(f"bench database already holds {total:,} orders, {overdue:,} overdue")
            return
        started = time.perf_counter()
        cursor.execute(
            "TRUNCATE orders_order, orders_orderstatuscount, sellers_seller, sellers_marketplacesite, "
            "sellers_contract, fulfillment_penalty, orders_orderevent RESTART IDENTITY CASCADE"
        )
        cursor.execute("INSERT INTO sellers_marketplacesite (code, name, domain) VALUES ('plazavea', 'Plaza Vea', '')")
        cursor.execute(
            """
            INSERT INTO sellers_seller (name, tax_id, logistics_mode, notification_email, is_active, created_at)
            SELECT 'Seller ' || g, lpad((20000000000 + g)::text, 11, '0'), 'own_courier', '', true, now()
            FROM generate_series(1, %s) AS g
            """,
            [sellers],
        )
        # half the sellers charge a fixed amount, half a percentage: both branches of the CASE run
        cursor.execute(
            """
            INSERT INTO sellers_contract (seller_id, handling_window, ship_by_window, warning_lead_time,
                late_handling_penalty_kind, late_handling_penalty_value, late_shipping_penalty_kind,
                late_shipping_penalty_value, penalty_currency, penalty_clause, max_delivery_attempts, payment_window)
            SELECT id, interval '24 hours', interval '72 hours', interval '4 hours',
                   CASE WHEN mod(id, 2) = 0 THEN 'fixed' ELSE 'percent' END,
                   CASE WHEN mod(id, 2) = 0 THEN 50 ELSE 5 END,
                   'percent', 10, 'PEN', '19', 3, interval '72 hours'
            FROM sellers_seller
            """
        )
        cursor.execute("ALTER TABLE orders_order DISABLE TRIGGER USER")
        # orders 1..overdue: pending and overdue; the rest: every state, pending ones due tomorrow
        cursor.execute(
            """
            INSERT INTO orders_order (
                seller_id, site_id, number, external_id, placed_at,
                buyer_full_name, buyer_document_type, buyer_document_number, buyer_phone, buyer_email,
                delivery_method, shipping_address, shipping_district, shipping_city, shipping_region,
                shipping_reference, pickup_point_name, subtotal, shipping_total, total, currency,
                payment_method, payment_status, logistics_mode, status, handling_deadline, on_hold_reason,
                created_at, updated_at)
            SELECT 1 + g %% %(sellers)s, 1, g::text, 'EXT-' || g, p.placed_at,
                'Comprador ' || g, 'dni', lpad((10000000 + g %% 89999999)::text, 8, '0'), '', '',
                'home_delivery', 'Av. Arequipa ' || g, 'Lince', 'Lima', 'Lima', '', '',
                100 + g %% 100, 0, 100 + g %% 100, 'PEN', 'card', 'paid', 'own_courier', p.status,
                p.placed_at + interval '24 hours', '', now(), now()
            FROM generate_series(1, %(total)s) AS g,
            LATERAL (SELECT
                CASE WHEN g <= %(overdue)s THEN 'pending_handling'
                     ELSE (ARRAY['pending_handling','ready_to_ship','shipped','delivered','canceled'])[1 + g %% 5]
                END AS status,
                CASE WHEN g <= %(overdue)s THEN now() - interval '30 hours' - g * interval '1 second'
                     WHEN g %% 5 = 0 THEN now() - interval '2 hours'
                     ELSE now() - g * interval '7 seconds' END AS placed_at) AS p
            """,
            {"sellers": sellers, "total": total, "overdue": overdue},
        )
        cursor.execute("ALTER TABLE orders_order ENABLE TRIGGER USER")
        cursor.execute(
            "INSERT INTO orders_orderstatuscount (seller_id, status, count) "
            "SELECT seller_id, status, COUNT(*) FROM orders_order GROUP BY seller_id, status"
        )
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {total:,} orders ({overdue:,} overdue) in {time.perf_counter() - started:.1f} s")


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE fulfillment_penalty, fulfillment_deadlinewarning, orders_orderevent")


def timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    value = run()
    return (time.perf_counter() - started) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=50_000)
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    seed.ensure_database()
    seed.configure_django()
    seed_orders(total=args.orders, overdue=args.overdue, sellers=args.sellers)

    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from fulfillment import deadlines
    from notifications import receivers

    deadlines.penalties_raised.disconnect(receivers.notify_penalties)
    sweep_ms, empty_ms, sql_ms, sql_events_ms = [], [], [], []
    for round_number in range(1, args.rounds + 1):
        reset()
        now = timezone.now()
        ms, result = timed(lambda now=now: deadlines.enforce_deadlines(now=now))
        assert result.total == args.overdue, result.raised
        sweep_ms.append(ms)
        ms, again = timed(lambda now=now: deadlines.enforce_deadlines(now=now))
        assert again.total == 0
        empty_ms.append(ms)

        reset()

        def hand_written(now=now) -> int:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN_SQL, {"now": now})
                return cursor.rowcount

        ms, inserted = timed(hand_written)
        assert inserted == args.overdue, inserted
        sql_ms.append(ms)

        reset()

        def hand_written_with_events(now=now) -> int:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN_SQL_WITH_EVENTS, {"now": now})
                return cursor.rowcount

        ms, inserted = timed(hand_written_with_events)
        assert inserted == args.overdue, inserted
        sql_events_ms.append(ms)
        print(
            f"round {round_number}: sweep {sweep_ms[-1]:.0f} ms, empty sweep {empty_ms[-1]:.1f} ms, "
            f"hand-written SQL {sql_ms[-1]:.0f} ms (with events {sql_events_ms[-1]:.0f} ms)"
        )
    reset()

    sweep, empty, sql, sql_events = (statistics.median(v) for v in (sweep_ms, empty_ms, sql_ms, sql_events_ms))
    print()
    print(f"orders: {args.orders:,}; overdue: {args.overdue:,}; batch size {settings.DEADLINE_SWEEP_BATCH_SIZE:,}")
    print(f"sweep raising {args.overdue:,} penalties (+ their order events): {sweep:8.0f} ms  (median)")
    print(f"hand-written INSERT ... SELECT (penalties only):          {sql:8.0f} ms")
    print(f"ratio sweep / SQL: {sweep / sql:.2f}  (target <= 2)")
    print(f"hand-written INSERT with the events too (one CTE):       {sql_events:8.0f} ms")
    print(f"ratio sweep / that: {sweep / sql_events:.2f}")
    print(f"next sweep, nothing to raise: {empty:.1f} ms  (target < 50 ms)")


if __name__ == "__main__":
    main()
