"""Notices for the seller's people, sent after the transaction that caused them commits.

`disputes` sits left of `notifications` in the import order, so it only announces; the
receiver in notifications/receivers.py writes the in-panel notice (notify_members).
"""

from django.dispatch import Signal

# kwargs: seller_id, order_id, kind (a NotificationKind value), render (text in the active language)
seller_notice = Signal()

# Sent INSIDE the transaction that resolves a dispute for the buyer (or partially), with the order row
# locked: payments records the refund in the ledger (disputes does not import payments).
# kwargs: order, amount (Decimal), actor, dispute_id
refund_owed = Signal()
