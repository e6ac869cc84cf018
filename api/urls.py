from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("all/", views.token_admin, name="token_admin"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
