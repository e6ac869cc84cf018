from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.v1 import api as api_v1
from portal import views, views_public
from portal.forms import PortalPasswordResetForm
from portal.jobs import views as export_views

admin.site.site_header = "Partnership portal administration"
admin.site.site_title = "Partnership portal"

_reset = dict(
    form_class=PortalPasswordResetForm,
    email_template_name="registration/password_reset_email.txt",
    subject_template_name="registration/password_reset_subject.txt",
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("service-status/", views_public.service_status, name="service_status"),
    path("accessibility/", views_public.accessibility, name="accessibility"),
    path("privacy/", views_public.privacy, name="privacy"),
    path("cookies/", views_public.cookies, name="cookies"),
    path("accounts/keep-alive/", views_public.session_keep_alive, name="session_keep_alive"),
    path("accounts/signed-out/", views_public.signed_out, name="signed_out"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(**_reset), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/welcome/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("partnerships.urls")),
    path("memoranda/", include("memoranda.urls")),
    path("health-checks/", include("healthcheck.urls")),
    path("", include("placements.urls")),
    path("", include("matching.urls")),
    path("partnerships/<slug:slug>/webhooks/", include("webhooks.urls")),
    path("", include("workforce.urls")),
    path("", include("calendars.urls")),
    path("exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("", include("participants.urls")),
    path("api/v1/", api_v1.urls),
    path("account/api-tokens/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "portal.views.server_error"
