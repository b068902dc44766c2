"""Request ids and structured logs.

Every request gets an id: the one a proxy or load balancer sent in X-Request-ID when it looks
like an id (so one request can be followed from the proxy's log to ours), else a new one. The id
is echoed in the response's X-Request-ID header, shown on the 500 page, and written on every log
line made while the request runs.

A log line is one JSON object on one line (a traceback included, its newlines escaped), with the
request's id, method and path, and never what may hold a secret: no cookies, no headers, no
form data, no query string; the secret key and the database password are masked wherever they
would appear.
"""

import contextvars
import datetime
import json
import logging
import re
import traceback
import uuid

from django.conf import settings

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and - _ . : up to 64 characters: what request ids from nginx, load balancers
# and tracing systems look like, and nothing that could forge a log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")
MASK = "[masked]"

current_request_id = contextvars.ContextVar("request_id", default=None)


def request_id_from(request):
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def secrets_to_mask():
    secrets = [settings.SECRET_KEY]
    for database in settings.DATABASES.values():
        secrets.append(database.get("PASSWORD") or "")
    return [secret for secret in secrets if len(secret) >= 4]


def mask_secrets(text):
    for secret in secrets_to_mask():
        text = text.replace(secret, MASK)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and for a request's
    record its method, path and status; an exception's type, message and traceback."""

    def format(self, record):
        request = getattr(record, "request", None)
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(request, "request_id", None) or current_request_id.get(),
        }
        if request is not None:
            entry["method"] = getattr(request, "method", None)
            entry["path"] = getattr(request, "path", None)
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        if record.exc_info and record.exc_info[0] is not None:
            error_type, error, trace = record.exc_info
            entry["error"] = f"{error_type.__module__}.{error_type.__qualname__}"
            entry["error_message"] = str(error)
            entry["traceback"] = "".join(traceback.format_tb(trace))
        entry = {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in entry.items()
        }
        return json.dumps(entry, ensure_ascii=False, default=str)
