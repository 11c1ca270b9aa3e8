from rest_framework.pagination import CursorPagination


class OrderCursorPagination(CursorPagination):
    """Newest first; a cursor stays stable while new orders arrive, and deep pages cost the same."""

    ordering = ("-placed_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request, queryset, view):
        # "closest deadline first" (?sort=deadline) pages on the annotated next deadline instead
        if request.query_params.get("sort") == "deadline":
            return ("next_deadline", "id")
        return super().get_ordering(request, queryset, view)
