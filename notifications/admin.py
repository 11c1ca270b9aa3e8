from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "seller", "kind", "order", "text", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), "seller")
    date_hierarchy = "created_at"
    search_fields = ("user__username", "=order__number", "text")
    list_select_related = ("user", "seller", "order")
    show_full_result_count = False
    readonly_fields = ("user", "seller", "order", "kind", "created_at")
    fields = ("user", "seller", "order", "kind", "text", "read_at", "created_at")

    def has_add_permission(self, request):
        # notifications are raised by order events, not typed in
        return False
