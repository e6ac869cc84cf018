"""The portal's URLs plus the framework floor: the cheapest authenticated page Django can serve
with our base template, the yardstick every key page is compared with."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path


@login_required
def floor(request):
    return render(request, "bench/floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("config.urls")),
]

# The portal's error handlers come with its URLconf only when it is the root one.
handler500 = "portal.views.server_error"
