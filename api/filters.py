from __future__ import annotations

from datetime import date, datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from orders.models import Channel, Order, PaymentStatus, Status
from orders.selectors import PAYMENT_AWAITING, PAYMENT_COD_UNPAID, SORT_DEADLINE, order_list


class DateOrDateTimeField(forms.Field):
    """`2026-01-31` means that whole day; `2026-01-31T10:00:00-05:00` means that instant."""

    default_error_messages = {"invalid": _("Usa una fecha AAAA-MM-DD o una fecha y hora ISO 8601.")}

    def to_python(self, value) -> date | datetime | None:
        if value in (None, ""):
            return None
        value = str(value).strip()
        try:
            parsed = parse_date(value) or parse_datetime(value.replace(" ", "+", 1) if "T" in value else value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(parsed, datetime) and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField


class StrictBooleanField(forms.Field):
    """`true`/`false` (or 1/0, yes/no, on/off); anything else is an error, not silently ignored."""

    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
    default_error_messages = {"invalid": _("Usa «true» o «false».")}

    def to_python(self, value) -> bool | None:
        text = str(value).strip().lower() if value is not None else ""
        if text == "":
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class OrderFilter(django_filters.FilterSet):
    """The list's query parameters; the seller-scoped selector does the filtering."""

    status = django_filters.ChoiceFilter(choices=Status.choices, method="_handled_by_selector")
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices,
        method="_handled_by_selector",
        help_text="`marketplace` (the feed's orders) or `direct` («Venta directa»: manual orders).",
    )
    search = django_filters.CharFilter(
        method="_handled_by_selector", max_length=100, help_text="Order number, external id, buyer name or document."
    )
    placed_after = DateOrDateTimeFilter(method="_handled_by_selector", help_text="Date (inclusive) or datetime.")
    placed_before = DateOrDateTimeFilter(
        method="_handled_by_selector", help_text="Date (that whole day included) or datetime (exclusive)."
    )
    due_soon = StrictBooleanFilter(
        method="_handled_by_selector",
        help_text="«Vence pronto»: only orders whose open deadline falls within the contract's warning lead time.",
    )
    payment = django_filters.ChoiceFilter(
        choices=[
            (PAYMENT_COD_UNPAID, "delivered cash-on-delivery orders whose cash is not registered"),
            (PAYMENT_AWAITING, "prepaid orders waiting for their payment"),
        ],
        method="_handled_by_selector",
        help_text="`cod_unpaid`: delivered, cash on delivery, not paid; `awaiting`: prepaid and not paid yet.",
    )
    payment_status = django_filters.ChoiceFilter(choices=PaymentStatus.choices, method="_handled_by_selector")
    sort = django_filters.ChoiceFilter(
        choices=[(SORT_DEADLINE, "closest deadline first")],
        method="_handled_by_selector",
        help_text="`deadline`: only orders with an open deadline, closest first (default: newest first).",
    )

    class Meta:
        model = Order
        fields = [
            "status",
            "channel",
            "search",
            "placed_after",
            "placed_before",
            "due_soon",
            "payment",
            "payment_status",
            "sort",
        ]

    def _handled_by_selector(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        seller = getattr(self.request, "seller", None)
        if seller is None:  # schema generation has no seller; real requests always do
            return queryset.none()
        return order_list(seller=seller, **self.form.cleaned_data)
