"""Signing in by e-mail with Django's ModelBackend, loading each request's user together with
their memberships.

Every page of the portal asks what the signed-in person may do in their partnerships, so the
memberships are needed on every request. Loading them in the same query as the user (a join from
membership to user, partnership and organisation) saves a query on every page; a person with no
membership is loaded the ordinary way.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from partnerships.access import remember_memberships
from partnerships.models import Membership
from portal.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind @login_required receives: its user is signed in, never
    AnonymousUser. Only an annotation for the type checker; Django never builds one."""

    user: User


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        rows = list(Membership.objects.filter(user_id=user_id).select_related("user", "partnership", "organisation"))
        if not rows:
            user = super().get_user(user_id)
            if user is not None:
                remember_memberships(user, [])  # none, and known: no second look later in the request
            return user
        user = rows[0].user
        if not self.user_can_authenticate(user):
            return None
        for membership in rows:
            membership.user = user  # one object, so caches set on it are shared
        remember_memberships(user, rows)
        return user
