"""Sent after the transaction that wrote the change commits (a rollback sends nothing).

`notifications` listens and tells the seller's members; `evidence` does not import it, so the
imports keep pointing one way.
"""

from django.dispatch import Signal

evidence_reviewed = Signal()  # kwargs: evidence_id, order_id, seller_id, review_state
delivery_attempt_recorded = Signal()  # kwargs: attempt_id, order_id, seller_id, returned
