"""Seeds a large PostgreSQL database for the benchmarks, set-based, in one SQL statement per table.

Shared by the bench scripts; run by hand, never by the test suite.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sellercenter_bench")


def configure_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings")
    os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    # a benchmark measures speed, not the API's rates: no counter may refuse it
    os.environ.setdefault("API_RATE_TOKEN_READ", "1000000/min")
    os.environ.setdefault("API_RATE_TOKEN_WRITE", "1000000/min")
    import django

    django.setup()


def ensure_database() -> None:
    import psycopg2
    from psycopg2 import sql

    name = BENCH_DATABASE_URL.rsplit("/", 1)[1]
    admin = psycopg2.connect(BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def seed_orders(*, total_orders: int, sellers: int, big_seller_orders: int) -> dict:
    """Sellers 1..N; seller 1 ("big") gets `big_seller_orders`, the rest share what is left.

    Idempotent: a database already seeded with the same sizes is kept as it is.
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from sellers.models import Membership, Seller

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_order")
        existing = cursor.fetchone()[0]
    if existing == total_orders and Seller.objects.count() == sellers:
        print(f"bench database already holds {existing:,} orders over {sellers:,} sellers")
        return bench_identity()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE orders_order, orders_orderstatuscount, sellers_seller, sellers_marketplacesite, "
            "sellers_membership, sellers_contract RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "INSERT INTO sellers_marketplacesite (code, name, domain) VALUES "
            "('plazavea', 'Plaza Vea', ''), ('oechsle', 'Oechsle', '')"
        )
        cursor.execute(
            """
            INSERT INTO sellers_seller (name, tax_id, logistics_mode, notification_email, is_active, created_at)
            SELECT 'Seller ' || g, lpad((20000000000 + g)::text, 11, '0'), 'own_courier', '', true, now()
            FROM generate_series(1, %s) AS g
            """,
            [sellers],
        )
        cursor.execute(
            """
            INSERT INTO sellers_contract (seller_id, handling_window, ship_by_window, warning_lead_time,
                late_handling_penalty_kind, late_handling_penalty_value, late_shipping_penalty_kind,
                late_shipping_penalty_value, penalty_currency, penalty_clause, max_delivery_attempts, payment_window)
            SELECT id, interval '24 hours', interval '72 hours', interval '4 hours', 'fixed', 50, 'percent', 10,
                   'PEN', '19', 3, interval '72 hours'
            FROM sellers_seller
            """
        )
        # the per-status counter triggers are switched off for the bulk insert and backfilled after
        cursor.execute("ALTER TABLE orders_order DISABLE TRIGGER USER")
        rest = total_orders - big_seller_orders
        # order g: the first `big` go to seller 1, the others round-robin over sellers 2..N
        cursor.execute(
            """
            INSERT INTO orders_order (
                seller_id, site_id, number, external_id, placed_at,
                buyer_full_name, buyer_document_type, buyer_document_number, buyer_phone, buyer_email,
                delivery_method, shipping_address, shipping_district, shipping_city, shipping_region,
                shipping_reference, pickup_point_name, subtotal, shipping_total, total, currency,
                payment_method, payment_status, logistics_mode, status, handling_deadline,
                on_hold_reason, created_at, updated_at)
            SELECT
                CASE WHEN g <= %(big)s THEN 1 ELSE 2 + (g %% (%(sellers)s - 1)) END,
                1 + (g %% 2), g::text, 'EXT-' || g,
                now() - (g * interval '7 seconds'),
                'Comprador ' || g, 'dni', lpad((10000000 + g %% 89999999)::text, 8, '0'), '', '',
                'home_delivery', 'Av. Arequipa ' || g, 'Lince', 'Lima', 'Lima', '', '',
                100, 0, 100, 'PEN', 'card', 'paid', 'own_courier',
                (ARRAY['pending_handling','ready_to_ship','shipped','delivered','canceled'])[1 + g %% 5],
                now() - (g * interval '7 seconds') + interval '24 hours',
                '', now(), now()
            FROM generate_series(1, %(total)s) AS g
            """,
            {"big": big_seller_orders, "sellers": sellers, "total": big_seller_orders + rest},
        )
        cursor.execute("ALTER TABLE orders_order ENABLE TRIGGER USER")
        cursor.execute(
            "INSERT INTO orders_orderstatuscount (seller_id, status, count) "
            "SELECT seller_id, status, COUNT(*) FROM orders_order GROUP BY seller_id, status"
        )
        cursor.execute("ANALYZE")
    user, _ = get_user_model().objects.get_or_create(username="bench-owner")
    Membership.objects.get_or_create(user=user, seller_id=1, defaults={"role": "owner"})
    print(f"seeded {total_orders:,} orders over {sellers:,} sellers in {time.perf_counter() - started:.1f} s")
    return bench_identity()


def bench_identity() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sellers.models import Membership, Seller

    user, _ = get_user_model().objects.get_or_create(username="bench-owner")
    Membership.objects.get_or_create(user=user, seller_id=1, defaults={"role": "owner"})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    return {"user": user, "seller": Seller.objects.get(pk=1)}
