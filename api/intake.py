"""The marketplace feed's door: creates orders, idempotent by (site, external id)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api.authentication import IntegrationCredentialAuthentication
from api.permissions import IsIntegration
from api.serializers import IntakeOrderResponseSerializer, IntakeOrderSerializer
from orders.services import LineInput, OrderInput, receive_order


class IntakeOrderView(GenericAPIView):
    authentication_classes = [IntegrationCredentialAuthentication]
    permission_classes = [IsIntegration]
    parser_classes = [JSONParser]
    serializer_class = IntakeOrderSerializer

    @extend_schema(
        operation_id="intake_orders_create",
        summary="Receive an order from the marketplace feed",
        description="201 with the new order; 200 with the stored one when (site, external_id) was already received.",
        request=IntakeOrderSerializer,
        responses={201: IntakeOrderResponseSerializer, 200: IntakeOrderResponseSerializer},
    )
    def post(self, request):
        serializer = IntakeOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        seller, site = data.pop("seller"), data.pop("site")
        credential = request.auth
        allowed_sites = set(credential.sites.values_list("pk", flat=True))
        if allowed_sites and site.pk not in allowed_sites:
            raise PermissionDenied(
                _("Esta credencial no puede enviar órdenes del sitio %(site)s.") % {"site": site.code}
            )
        lines = [LineInput(**line) for line in data.pop("lines")]
        order, created = receive_order(seller=seller, site=site, data=OrderInput(lines=lines, **data))
        return Response(
            IntakeOrderResponseSerializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
