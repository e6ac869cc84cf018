"""Who the client is when the portal runs behind reverse proxies."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

USER_AGENT_MAX_CHARS = 400


def client_ip_address(request) -> str | None:
    """The client's address, for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind PROXY_COUNT proxies that each append to X-Forwarded-For, the address the outermost
    proxy saw is the PROXY_COUNT-th entry from the right; entries further left were written by
    the client and cannot be trusted. Without proxies it is REMOTE_ADDR. (Without this, every
    request behind a proxy would share the proxy's address, and five wrong passwords from anyone
    would lock an account for everyone.)"""
    count = settings.PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


@dataclass(frozen=True)
class Client:
    """The address and browser a request came from, as evidence of a signing event (the
    certificate of completion prints them). Services take it as an argument so commands and
    other services can pass None: nothing is made up for them."""

    ip_address: str | None
    user_agent: str


def client_of(request) -> Client:
    agent = " ".join(request.META.get("HTTP_USER_AGENT", "").split())[:USER_AGENT_MAX_CHARS]
    return Client(ip_address=client_ip_address(request), user_agent=agent)
