"""Who the client is when the portal runs behind reverse proxies."""

from __future__ import annotations

from django.conf import settings


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
