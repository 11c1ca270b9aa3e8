"""Order list at scale: API and dashboard, first page and a page 1,000 pages deep.

    .venv/bin/python bench/order_list.py [--orders 1000000 --sellers 10000 --big 100000 --requests 200]
                                         [--deep-page 1000]

Seeds PostgreSQL (BENCH_DATABASE_URL, default database sellercenter_bench) set-based, then serves
each page in-process through Django's test client and prints p50/p95 of the whole request and of
the SQL it ran, beside the same page read by one hand-written SQL query, and their ratios.
Run by hand; never part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time

import seed

PAGE_SIZE = 10  # a size both the API and the dashboard offer
STATUS = "shipped"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class SqlTimer:
    """Adds up the time spent in the database during one request."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(label: str, fetch, *, requests: int) -> dict:
    from django.db import connection

    fetch()  # warm caches and connections once
    totals, sql_times, query_counts = [], [], []
    for _ in range(requests):
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            fetch()
            totals.append((time.perf_counter() - started) * 1000)
        sql_times.append(timer.seconds * 1000)
        query_counts.append(timer.queries)
    return {
        "label": label,
        "p50": statistics.median(totals),
        "p95": percentile(totals, 0.95),
        "sql_p50": statistics.median(sql_times),
        "sql_p95": percentile(sql_times, 0.95),
        "queries": max(query_counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="orders of the one big seller")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--deep-page", type=int, default=1000, help="which page is the deep one")
    args = parser.parse_args()

    seed.ensure_database()
    seed.configure_django()
    identity = seed.seed_orders(total_orders=args.orders, sellers=args.sellers, big_seller_orders=args.big)

    from django.db import connection
    from django.test.utils import setup_test_environment
    from rest_framework.pagination import Cursor
    from rest_framework.test import APIClient

    from api.pagination import OrderCursorPagination
    from dashboard.pagination import encode_cursor, keyset_page
    from orders.selectors import order_list
    from sellers.models import DeviceToken

    setup_test_environment()  # lets the test client see the dashboard's template context
    user, seller = identity["user"], identity["seller"]
    deep_offset = PAGE_SIZE * (args.deep_page - 1)
    deep = f"page {args.deep_page}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_order WHERE seller_id = %s AND status = %s", [seller.pk, STATUS])
        matching = cursor.fetchone()[0]
        # the last row of the page before the deep one: where its cursor points
        cursor.execute(
            "SELECT placed_at, id FROM orders_order WHERE seller_id = %s AND status = %s "
            "ORDER BY placed_at DESC, id DESC OFFSET %s LIMIT 1",
            [seller.pk, STATUS, deep_offset - 1],
        )
        boundary_placed_at, boundary_id = cursor.fetchone()
    print(f"seller {seller.pk}: {matching:,} orders '{STATUS}'; page size {PAGE_SIZE}; deep page = {deep}")

    raw_sql = (
        "SELECT o.id, o.number, o.placed_at, o.buyer_full_name, o.total, o.currency, o.status, "
        "o.handling_deadline, o.payment_method, o.logistics_mode, s.name "
        "FROM orders_order o JOIN sellers_marketplacesite s ON s.id = o.site_id "
        "WHERE o.seller_id = %s AND o.status = %s {keyset} "
        "ORDER BY o.placed_at DESC, o.id DESC LIMIT %s"
    )

    def raw_first():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql.format(keyset=""), [seller.pk, STATUS, PAGE_SIZE])
            assert len(cursor.fetchall()) == PAGE_SIZE

    def raw_deep():
        with connection.cursor() as cursor:
            cursor.execute(
                raw_sql.format(keyset="AND (o.placed_at, o.id) < (%s, %s)"),
                [seller.pk, STATUS, boundary_placed_at, boundary_id, PAGE_SIZE],
            )
            assert len(cursor.fetchall()) == PAGE_SIZE

    token = DeviceToken.objects.create(user=user, device_name="bench")[1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    paginator = OrderCursorPagination()
    paginator.base_url = "/api/v1/orders/"
    api_deep_cursor = paginator.encode_cursor(Cursor(offset=0, reverse=False, position=str(boundary_placed_at)))

    def api_get(url, params=None):
        answer = api.get(url, params)
        assert answer.status_code == 200, answer.content[:300]
        assert len(answer.json()["results"]) == PAGE_SIZE

    dashboard = APIClient()
    dashboard.force_login(user)
    dashboard_cursor = encode_cursor(boundary_placed_at, boundary_id)

    def dashboard_get(params):
        answer = dashboard.get("/", params)
        assert answer.status_code == 200, answer.status_code
        assert len(answer.context["page"].rows) == PAGE_SIZE

    list_params = {"status": STATUS, "page_size": PAGE_SIZE}

    def orm_page(after: str | None = None) -> None:
        # the application's own read (selector + keyset page + site), without HTTP, auth or rendering
        rows = keyset_page(order_list(seller=seller, status=STATUS), size=PAGE_SIZE, after=after).rows
        assert len(rows) == PAGE_SIZE and rows[0].site.name

    # Floors: what any Django request costs on top of the same raw query, to read the ratios against.
    # "Django floor" is a bare view behind the project's middleware; "+ device token" adds DRF and
    # the token check every API call needs. Neither exists in the application.
    from django.conf import settings
    from django.http import JsonResponse
    from django.urls import clear_url_caches, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from api.authentication import DeviceTokenAuthentication

    def raw_page_rows():
        with connection.cursor() as cursor:
            cursor.execute(raw_sql.format(keyset=""), [seller.pk, STATUS, PAGE_SIZE])
            columns = [column.name for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def bare_view(request):
        return JsonResponse({"results": raw_page_rows()})

    class TokenView(APIView):
        authentication_classes = [DeviceTokenAuthentication]

        def get(self, request):
            assert request.user.is_authenticated
            return Response({"results": raw_page_rows()})

    # appended to the project's URLconf for this process only
    project_urls = importlib.import_module(settings.ROOT_URLCONF)
    project_urls.urlpatterns += [path("bench-floor/bare/", bare_view), path("bench-floor/token/", TokenView.as_view())]
    clear_url_caches()

    def floor_get(client, url):
        answer = client.get(url)
        assert answer.status_code == 200, answer.content[:300]
        assert len(answer.json()["results"]) == PAGE_SIZE

    cases = [
        ("raw SQL, first page", raw_first, None),
        (f"raw SQL, {deep}", raw_deep, None),
        ("Django floor, first page", lambda: floor_get(dashboard, "/bench-floor/bare/"), "raw SQL, first page"),
        ("+ device token, first page", lambda: floor_get(api, "/bench-floor/token/"), "raw SQL, first page"),
        ("ORM selector, first page", orm_page, "raw SQL, first page"),
        (f"ORM selector, {deep}", lambda: orm_page(dashboard_cursor), f"raw SQL, {deep}"),
        ("API, first page", lambda: api_get("/api/v1/orders/", list_params), "raw SQL, first page"),
        (
            f"API, {deep}",
            lambda: api_get(api_deep_cursor + f"&status={STATUS}&page_size={PAGE_SIZE}"),
            f"raw SQL, {deep}",
        ),
        (
            "dashboard, first page",
            lambda: dashboard_get({"status": STATUS, "per_page": PAGE_SIZE}),
            "raw SQL, first page",
        ),
        (
            f"dashboard, {deep}",
            lambda: dashboard_get({"status": STATUS, "per_page": PAGE_SIZE, "after": dashboard_cursor}),
            f"raw SQL, {deep}",
        ),
    ]
    results = {}
    print(
        f"\n{'case':28} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'SQL p95':>8} {'queries':>7} "
        f"{'p95/raw':>8} {'SQL p95/raw':>11}"
    )
    for label, fetch, baseline in cases:
        result = measure(label, fetch, requests=args.requests)
        results[label] = result
        ratio = sql_ratio = ""
        if baseline:
            raw_p95 = results[baseline]["p95"]
            ratio = f"{result['p95'] / raw_p95:.1f}x"
            sql_ratio = f"{result['sql_p95'] / raw_p95:.1f}x"
        print(
            f"{label:28} {result['p50']:8.2f} {result['p95']:8.2f} {result['sql_p50']:8.2f} "
            f"{result['sql_p95']:8.2f} {result['queries']:7d} {ratio:>8} {sql_ratio:>11}"
        )
    print()
    for interface in ("API", "dashboard"):
        first, deep_result = results[f"{interface}, first page"], results[f"{interface}, {deep}"]
        print(f"{interface}: {deep} p95 / first page p95 = {deep_result['p95'] / first['p95']:.2f} (target <= 1.5)")
    DeviceToken.objects.filter(device_name="bench").delete()


if __name__ == "__main__":
    main()
