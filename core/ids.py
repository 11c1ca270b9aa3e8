"""Database ids from the outside world (URLs, headers, bodies) are bounded before any query.

A 30-digit "id" must be "not found", not an overflow inside the database driver (SQLite) or a
cast error (PostgreSQL): every id column is a 64-bit integer.
"""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id as an int if it can name a row, else None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:order_id>`: like `<int:...>`, but only numbers a BIGINT column can hold."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the URL resolver answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class SkuConverter:
    """`<sku:sku>`: a seller's SKU code as it is (up to 64 characters, any but control characters).

    A SKU may contain "/": the route ends in "/", so the converter takes everything before it."""

    regex = "[^\\x00-\\x1f\\x7f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
