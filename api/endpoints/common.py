"""What the resource modules share: the list envelope, filters and absolute links."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from pydantic import BaseModel

from partnerships.models import Partnership


class Schema(BaseModel):
    """The responses' base: plain pydantic (the endpoints build dicts), without ninja.Schema's
    per-object ORM getter, which costs a third of a long list's time."""


class Error(Schema):
    detail: str


# Every operation may answer these (documented once, on each operation).
ERRORS: dict[int, type[Schema]] = {401: Error, 404: Error, 429: Error}


def link(request: HttpRequest, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def partnership_ids_for(user, slug: str | None) -> list[int] | None:
    """The partnership filter: None for no filter, else the (possibly empty) ids it matches among
    those the user may see."""
    if not slug:
        return None
    return list(Partnership.objects.visible_to(user).filter(slug=slug[:80]).values_list("pk", flat=True))
