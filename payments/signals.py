"""Notices for the seller's people, sent after commit; notifications/receivers.py writes them.

kwargs as disputes.signals.seller_notice: seller_id, order_id, kind (a NotificationKind value),
render (the text in the active language)."""

from django.dispatch import Signal

payment_notice = Signal()
