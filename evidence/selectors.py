from core.errors import NotFound
from evidence.models import DeliveryEvidence
from sellers.models import Seller


def stored_evidence(*, seller: Seller, evidence_id) -> DeliveryEvidence:
    """One of the seller's uploaded evidence files; another seller's id (or a link) is NotFound."""
    try:
        evidence_id = int(evidence_id)
    except (TypeError, ValueError):
        raise NotFound("Evidencia no encontrada.") from None
    evidence = DeliveryEvidence.objects.filter(pk=evidence_id, seller=seller).exclude(file="").first()
    if evidence is None:
        raise NotFound("Evidencia no encontrada.")
    return evidence
