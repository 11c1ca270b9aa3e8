from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from core.views import NOT_FOUND_ROUTE, api_not_found
from dashboard import team

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # last under /api/: what no route above matched (unknown path, id out of range) is a JSON 404
    re_path(r"^api/(?P<unmatched>.*)$", api_not_found, name=NOT_FOUND_ROUTE),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/invitation/<str:uidb64>/<str:token>/", team.accept_invitation_view, name="accept_invitation"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("dashboard.urls")),
]

handler500 = "core.views.server_error"
