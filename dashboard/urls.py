from django.urls import path

from dashboard import disputes, penalties, team, views

app_name = "dashboard"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("orders/<id:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<id:order_id>/start-handling/", views.start_handling_view, name="start_handling"),
    path("orders/<id:order_id>/ship/", views.ship_view, name="ship"),
    path("orders/<id:order_id>/evidence/", views.add_evidence_view, name="add_evidence"),
    path("orders/<id:order_id>/deliver/", views.deliver_view, name="deliver"),
    path("orders/<id:order_id>/cancel/", views.cancel_view, name="cancel"),
    path("evidence/<id:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<id:evidence_id>/", views.evidence_viewer, name="evidence_viewer"),
    path("orders/<id:order_id>/attempts/", views.record_attempt_view, name="record_attempt"),
    path("attempts/<id:attempt_id>/photo/", views.attempt_photo_file, name="attempt_photo"),
    path("penalties/", penalties.penalties_page, name="penalties"),
    path("penalties/export.csv", penalties.penalties_csv, name="penalties_csv"),
    path("penalties/<id:penalty_id>/appeal/", penalties.appeal_view, name="penalty_appeal"),
    path("disputes/", disputes.disputes_page, name="disputes"),
    path("disputes/<id:dispute_id>/", disputes.dispute_page, name="dispute"),
    path("disputes/<id:dispute_id>/messages/", disputes.dispute_reply, name="dispute_reply"),
    path("disputes/attachments/<id:attachment_id>/file/", disputes.dispute_attachment_file, name="dispute_attachment"),
    path("orders/<id:order_id>/dispute/", disputes.open_dispute_view, name="open_dispute"),
    path(
        "orders/<id:order_id>/cancellation-request/accept/",
        disputes.accept_request_view,
        name="accept_cancellation_request",
    ),
    path(
        "orders/<id:order_id>/cancellation-request/reject/",
        disputes.reject_request_view,
        name="reject_cancellation_request",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("seller/switch/", views.switch_seller, name="switch_seller"),
    path("team/", team.team_page, name="team"),
    path("team/invite/", team.invite_view, name="team_invite"),
    path("team/<id:membership_id>/", team.member_update_view, name="team_member"),
    path("team/<id:membership_id>/remove/", team.member_remove_view, name="team_member_remove"),
    path("team/devices/<str:token_key>/revoke/", team.device_revoke_view, name="team_device_revoke"),
]
