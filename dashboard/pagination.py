"""Keyset pagination on (placed_at, id): a page deep down costs what the first one does,
unlike OFFSET, which reads and throws away every row before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)


def encode_cursor(placed_at: datetime, pk: int) -> str:
    return f"{(placed_at - EPOCH) // ONE_MICROSECOND}.{pk}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """A cursor from the URL; anything malformed is treated as no cursor (first page)."""
    if not raw:
        return None
    try:
        micros, pk = raw.split(".", 1)
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def keyset_page(queryset: QuerySet, *, size: int, after: str | None = None, before: str | None = None) -> KeysetPage:
    """One page of a queryset ordered by ("-placed_at", "-id"), in a single query."""
    after_key, before_key = decode_cursor(after), decode_cursor(before)
    if before_key and not after_key:
        placed_at, pk = before_key
        # walk backwards (oldest first) from the cursor, then put the page back in list order
        newer = Q(placed_at__gte=placed_at) & (Q(placed_at__gt=placed_at) | Q(id__gt=pk))
        rows = list(queryset.filter(newer).order_by("placed_at", "id")[: size + 1])
        has_more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return KeysetPage(
            rows=rows,
            next_cursor=encode_cursor(rows[-1].placed_at, rows[-1].pk) if rows else None,
            previous_cursor=encode_cursor(rows[0].placed_at, rows[0].pk) if rows and has_more_newer else None,
        )
    if after_key:
        placed_at, pk = after_key
        queryset = queryset.filter(Q(placed_at__lte=placed_at) & (Q(placed_at__lt=placed_at) | Q(id__lt=pk)))
    rows = list(queryset.order_by("-placed_at", "-id")[: size + 1])
    has_more_older = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=encode_cursor(rows[-1].placed_at, rows[-1].pk) if rows and has_more_older else None,
        previous_cursor=encode_cursor(rows[0].placed_at, rows[0].pk) if rows and after_key else None,
    )
