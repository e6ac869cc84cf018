"""Calendar pages and feeds. Included at the site root, so paths are written in full."""

from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("calendars/partnership/<slug:slug>/", views.partnership_calendar, name="partnership"),
    path("calendars/links/", views.feed_list, name="feed_list"),
    path("calendars/links/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendars/links/<int:pk>/new-link/", views.feed_renew, name="feed_renew"),
    path("calendars/feed/<str:token>.ics", views.feed, name="feed"),
]
