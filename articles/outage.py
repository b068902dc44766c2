"""When the database is away: a 503 page instead of a 500, and a health check that says so.

A reader's page that is in the page cache is still served from it (articles/page_cache.py);
any other request that needs the database gets the Chinese 503 page with `Retry-After`, however
far down the stack the connection failed (a view, the session lookup, the admin's save): the
handler for uncaught errors recognises a database that cannot be reached. Django opens a new
connection for the next request (CONN_HEALTH_CHECKS), so the site recovers by itself when the
database is back. An editor's save runs in one transaction (the admin's), so a save that fails
half-way writes nothing; the page says so.
"""

import json
import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

from . import views

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    """A connection refused, dropped or not allowed, as opposed to a bad query (a bug)."""
    return isinstance(error, (OperationalError, InterfaceError))


def unavailable_response(request):
    """The 503 page; rendered without the request, so no context processor touches the session
    or the database."""
    admin = request.path_info.startswith("/" + settings.ADMIN_PATH)
    content = loader.render_to_string("503.html", {"editor": admin or request.method == "POST"})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response.database_unavailable = True
    return response


def server_error(request):
    """handler500: the 503 page when the error was the database going away, else the 500 page.
    Django calls it while handling the exception, so the exception is at hand."""
    error = sys.exc_info()[1]
    if error is not None and is_database_unavailable(error):
        logger.error(
            "Database unavailable: %s %s: %s",
            request.method,
            request.path,
            error.__class__.__name__,
        )
        return unavailable_response(request)
    return views.server_error(request)


def healthz(request):
    """200 when this process can query the database, 503 when it cannot; the same JSON shape
    either way, for a load balancer or a person."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        database, status = "ok", 200
    except DatabaseError as error:
        logger.warning("Health check: database unavailable: %s", error.__class__.__name__)
        database, status = "unavailable", 503
    body = {"status": "ok" if status == 200 else "unavailable", "database": database}
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
