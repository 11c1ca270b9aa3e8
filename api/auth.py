"""Device tokens: log in from a device, list the devices, revoke one (stored hashed by knox)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from api.authentication import DeviceTokenAuthentication
from api.orders import SELLER_PARAMETER
from api.permissions import IsSellerMember
from api.serializers import DeviceTokenSerializer, TokenRequestSerializer, TokenResponseSerializer
from core.errors import NotFound, ValidationFailed
from sellers.models import DeviceToken
from sellers.selectors import memberships_of
from sellers.services import revoke_member_device


def live_tokens_of(*, user) -> QuerySet[DeviceToken]:
    return DeviceToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user).order_by(
        "-created"
    )


def issue_device_token(*, user, device_name: str) -> tuple[DeviceToken, str]:
    # the user's expired tokens go here, at login, rather than on every authenticated request
    DeviceToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    # knox's manager stores only the digest and hands back the token text once
    return DeviceToken.objects.create(user=user, device_name=device_name.strip())


def revoke_device_token(*, user, token_key: str) -> None:
    deleted, _details = DeviceToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise NotFound(_("Token no encontrado."))


class TokenCreateView(GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        summary="Log in from a device and get its token",
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise ValidationFailed(_("Usuario o contraseña incorrectos."), code="invalid_credentials")
        if not memberships_of(user=user).exists():
            raise PermissionDenied(_("Tu usuario no pertenece a ningún seller; la API es para sellers."))
        instance, token = issue_device_token(user=user, device_name=data["device_name"])
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        body = {
            "token": token,
            "token_key": instance.token_key,
            "expiry": instance.expiry,
            "device_name": instance.device_name,
        }
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_200_OK)


class LogoutView(KnoxLogoutView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout", summary="Revoke the token of this request", request=None, responses={204: None}
    )
    def post(self, request, format=None):
        return super().post(request, format)


class DeviceTokenListView(GenericAPIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsAuthenticated]
    serializer_class = DeviceTokenSerializer
    queryset = DeviceToken.objects.none()  # names the model for the schema; rows come from live_tokens_of
    pagination_class = None

    @extend_schema(
        operation_id="auth_tokens_list",
        summary="The user's devices with a live token",
        responses={200: DeviceTokenSerializer(many=True)},
    )
    def get(self, request):
        tokens = live_tokens_of(user=request.user)
        context = {"current_digest": getattr(request.auth, "digest", None)}
        return Response(DeviceTokenSerializer(tokens, many=True, context=context).data)


class DeviceTokenDetailView(GenericAPIView):
    authentication_classes = [DeviceTokenAuthentication]
    permission_classes = [IsAuthenticated]
    serializer_class = DeviceTokenSerializer
    queryset = DeviceToken.objects.none()

    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary="Revoke one of the user's device tokens, or (owners) a device of any member of the seller",
        description="An owner (permission `manage_devices_of_all_members`) revokes any live member's device "
        "(`GET /api/v1/members/` lists them); anyone else only their own: 403 for another member's.",
        parameters=[OpenApiParameter("token_key", str, OpenApiParameter.PATH), SELLER_PARAMETER],
        responses={204: None},
    )
    def delete(self, request, token_key: str):
        try:
            revoke_device_token(user=request.user, token_key=token_key)
        except NotFound:
            # not one of the user's own: an owner may revoke a member's device of the request's seller
            if not IsSellerMember().has_permission(request, self):
                raise
            revoke_member_device(seller=request.seller, actor=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)
