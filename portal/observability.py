"""Logs an operator can search, and error reports that carry no personal data.

* Every log record gets `request_id` (from an incoming X-Request-ID, or made up here) and
  `job_id` (set by the job runner with `job_context(job_id)`), through contextvars, so records
  written anywhere during a request or a job carry them.
* LOG_FORMAT=json writes one JSON object per line (`JsonFormatter`); text is the default with
  DEBUG (config/settings.py).
* With SENTRY_DSN set, config/settings.py starts sentry-sdk with `send_default_pii=False` and
  `scrub_event` as `before_send`, which removes what identifies a person.

This module imports nothing of Django's models: config/settings.py loads it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from contextlib import contextmanager
from typing import Any, cast

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
job_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("job_id", default="")

# An incoming id is kept only if it is short and plain, so a client cannot write into the logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "X-Request-ID"


def current_request_id() -> str:
    return request_id_var.get()


@contextmanager
def job_context(job_id):
    """Inside it every log record (and error report) names the job: for the job runner."""
    token = job_id_var.set(str(job_id))
    _tag_error_reports("job_id", str(job_id))
    try:
        yield
    finally:
        job_id_var.reset(token)


class RequestIdMiddleware:
    """Takes the request's id from X-Request-ID (a proxy's or load balancer's) or makes one,
    puts it in the logs' context and hands it back in the response's X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            _tag_error_reports("request_id", request_id)
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _tag_error_reports(tag: str, value: str) -> None:
    try:
        import sentry_sdk
    except ImportError:
        return
    if sentry_sdk.get_client().is_active():
        sentry_sdk.get_isolation_scope().set_tag(tag, value)


class ContextFilter(logging.Filter):
    """Adds request_id and job_id to every record (a handler filter, so it sees every logger's),
    and `context` (" [request ... job ...]" or "") for the text format."""

    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a failed response after the middleware has returned: its record
        # carries the request itself.
        request_id = request_id_var.get() or getattr(getattr(record, "request", None), "request_id", "")
        job_id = job_id_var.get()
        ids = [f"{label} {value}" for label, value in (("request", request_id), ("job", job_id)) if value]
        record.__dict__.update(request_id=request_id, job_id=job_id, context=f" [{' '.join(ids)}]" if ids else "")
        return True


# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "job_id",
    "context",
    "request",  # the HttpRequest django.request attaches; its id is request_id
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    job_id, any `extra=` fields, and the traceback as text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
            "job_id": getattr(record, "job_id", "") or job_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s", defaults={"context": ""})


def logging_config(log_format: str, level: str) -> dict:
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "portal.observability.ContextFilter"}},
        "formatters": {
            "json": {"()": "portal.observability.JsonFormatter"},
            "text": {"()": "portal.observability.TextFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": formatter}},
        "root": {"handlers": ["console"], "level": level},
        # WeasyPrint and its font subsetter report every step of every PDF at INFO.
        "loggers": {
            # Django's own console handlers (DEBUG only) would write each record a second time,
            # in another format: everything goes through the one handler above.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


# --- Error reports (sentry-sdk) -----------------------------------------------------------------
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Keys whose values name or reach a person, wherever they appear in a report (and any key that
# ends in "name": typed_name, signer_name...).
PERSONAL_KEYS = {
    "email",
    "username",
    "ip_address",
    "password",
    "cookies",
    "cookie",
    "authorization",
    "x-csrftoken",
    "sessionid",
    "csrftoken",
}
# Parts sentry-sdk fills with facts about the machine and the SDK ("name": "CPython"): e-mail
# addresses are still blanked there, but their keys are kept.
_MACHINE_PARTS = {"sdk", "contexts", "modules"}
REDACTED = "[removed]"


# Names of things, not people: a stack frame's file, the machine, the URL pattern.
_NOT_PERSONAL = {"filename", "server_name", "hostname", "url_name", "view_name", "app_name", "module_name"}


def _personal(key) -> bool:
    key = str(key).lower()
    return key in PERSONAL_KEYS or (key.endswith("name") and key not in _NOT_PERSONAL)


def _scrub(value, *, keys: bool = True, depth: int = 0):
    if depth > 20:
        return REDACTED
    if isinstance(value, str):
        return EMAIL.sub("[e-mail]", value)
    if isinstance(value, dict):
        return {
            key: (REDACTED if keys and _personal(key) else _scrub(item, keys=keys, depth=depth + 1))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item, keys=keys, depth=depth + 1) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's before_send: keep the user's id only, drop what was posted and every cookie,
    and blank anything that looks like an e-mail address or sits under a personal key (messages,
    exception values, breadcrumbs, headers, extra data, tags, local variables)."""
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
    return {
        key: (value if key == "user" else _scrub(value, keys=key not in _MACHINE_PARTS)) for key, value in event.items()
    }


def init_sentry(dsn: str, *, environment: str = "", release: str = "", traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        # Local variables hold users, students and posted text: never send them.
        include_local_variables=False,
        # sentry-sdk types events as TypedDicts; scrub_event treats them as the plain dicts they are.
        before_send=cast(Any, scrub_event),
        before_send_transaction=cast(Any, scrub_event),
        environment=environment or None,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
    )
