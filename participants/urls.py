from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("your-placements/", views.home, name="home"),
    path("your-placements/<int:pk>/", views.placement, name="placement"),
    path("your-placements/<int:pk>/days/new/", views.record_days, name="record_days"),
    path("your-placements/<int:pk>/review/", views.complete_review, name="complete_review"),
    path("your-placements/days/<int:pk>/", views.days_decision, name="days_decision"),
    path("placements/students/<int:pk>/invite/", views.invite_student, name="invite_student"),
    path("practice-educators/<int:pk>/invite/", views.invite_educator, name="invite_educator"),
]
