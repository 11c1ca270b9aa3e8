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
