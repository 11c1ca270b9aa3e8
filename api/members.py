"""The seller's team for its owners: list (with every member's devices), invite, change role or
grants, remove. Thin wrappers over sellers.services; the rules live there and in sellers.permissions."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.orders import SELLER_PARAMETER, SellerAPIView
from api.permissions import requires
from api.serializers import DeviceTokenSerializer
from sellers.models import Membership, Role
from sellers.permissions import GRANTS, grants_of
from sellers.selectors import team_devices, team_member, team_members
from sellers.services import change_member, invite_member, remove_member


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.get_full_name")
    role = serializers.ChoiceField(choices=Role.choices)
    role_display = serializers.CharField(source="get_role_display")
    grants = serializers.SerializerMethodField(help_text="Extras the owner granted this staff member.")
    status = serializers.SerializerMethodField(help_text="`active`, or `pending` until the invitation is accepted.")
    invitation_expires_at = serializers.DateTimeField(allow_null=True)
    invited_by = serializers.CharField(source="invited_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    devices = serializers.SerializerMethodField(help_text="The member's devices with a live API token.")

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(GRANTS))))
    def get_grants(self, membership) -> list[str]:
        return grants_of(membership)

    @extend_schema_field(serializers.ChoiceField(choices=["active", "pending"]))
    def get_status(self, membership) -> str:
        return "pending" if membership.is_pending else "active"

    @extend_schema_field(DeviceTokenSerializer(many=True))
    def get_devices(self, membership) -> list:
        devices = self.context["devices"].get(membership.user_id, [])
        return DeviceTokenSerializer(devices, many=True, context=self.context).data


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.STAFF)
    grants = serializers.ListField(
        child=serializers.ChoiceField(choices=list(GRANTS)), default=list, max_length=len(GRANTS)
    )


class MemberChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    grants = serializers.ListField(
        child=serializers.ChoiceField(choices=list(GRANTS)), required=False, max_length=len(GRANTS)
    )


def _member_data(request, memberships: list[Membership]) -> list[dict]:
    devices = defaultdict(list)
    for token in team_devices(seller=request.seller, user_ids=[m.user_id for m in memberships]):
        devices[token.user_id].append(token)
    context = {"devices": devices, "current_digest": getattr(request.auth, "digest", None)}
    return MemberSerializer(memberships, many=True, context=context).data


def _links(request) -> dict:
    return {
        "accept_url": lambda uid, token: request.build_absolute_uri(reverse("accept_invitation", args=[uid, token])),
        "login_url": request.build_absolute_uri(reverse("login")),
    }


class OwnerAPIView(SellerAPIView):
    permission_classes = [IsAuthenticated, requires("manage_members")]
    queryset = Membership.objects.none()
    pagination_class = None


class MemberListView(OwnerAPIView):
    parser_classes = [JSONParser]
    serializer_class = MemberSerializer

    @extend_schema(
        operation_id="members_list",
        summary="The seller's team (owners only): members, pending invitations, their devices",
        parameters=[SELLER_PARAMETER],
        responses={200: MemberSerializer(many=True)},
    )
    def get(self, request):
        return Response(_member_data(request, list(team_members(seller=request.seller))))

    @extend_schema(
        operation_id="members_invite",
        summary="Invite someone by e-mail (owners only); inviting again answers 200 with the same member",
        description="A new e-mail gets an account, inactive until its owner chooses a password through "
        "the link e-mailed to them (valid `SELLER_INVITATION_DAYS`); an existing account joins at once. "
        "Repeating a pending invitation sends it again with a new expiry.",
        request=InviteSerializer,
        responses={201: MemberSerializer, 200: MemberSerializer},
        parameters=[SELLER_PARAMETER],
    )
    def post(self, request):
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership, created = invite_member(
            seller=request.seller, actor=request.user, **serializer.validated_data, **_links(request)
        )
        membership = team_member(seller=request.seller, membership_id=membership.pk)
        return Response(
            _member_data(request, [membership])[0], status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MemberDetailView(OwnerAPIView):
    parser_classes = [JSONParser]
    serializer_class = MemberSerializer

    @extend_schema(
        operation_id="members_retrieve",
        summary="One member of the team (owners only)",
        parameters=[SELLER_PARAMETER],
        responses={200: MemberSerializer},
    )
    def get(self, request, membership_id: int):
        return Response(_member_data(request, [team_member(seller=request.seller, membership_id=membership_id)])[0])

    @extend_schema(
        operation_id="members_partial_update",
        summary="Change a member's role and/or grants (owners only); the last owner stays owner (409)",
        request=MemberChangeSerializer,
        responses={200: MemberSerializer},
        parameters=[SELLER_PARAMETER],
    )
    def patch(self, request, membership_id: int):
        team_member(seller=request.seller, membership_id=membership_id)  # another seller's id: 404 first
        serializer = MemberChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change_member(
            seller=request.seller, actor=request.user, membership_id=membership_id, **serializer.validated_data
        )
        return Response(_member_data(request, [team_member(seller=request.seller, membership_id=membership_id)])[0])

    @extend_schema(
        operation_id="members_destroy",
        summary="Remove a member or cancel an invitation (owners only); kept as history, devices revoked",
        description="The membership is marked removed (who, when), never deleted. The last owner cannot "
        "be removed (409).",
        responses={204: None},
        parameters=[SELLER_PARAMETER],
    )
    def delete(self, request, membership_id: int):
        remove_member(seller=request.seller, actor=request.user, membership_id=membership_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
