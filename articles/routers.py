"""An optional read replica (`DATABASE_REPLICA_URL`): readers' pages read from it, everything
else from the primary.

Only a reader's request reads from the replica: a GET or HEAD of a public page without a session
cookie, marked by `ReplicaRoutingMiddleware`. Management commands, the shell, the admin, editors
and any request that has written (a write pins the rest of the request to the primary, so it
reads what it wrote) read from the primary. Without a replica configured, the router says
nothing and Django uses `default` for everything.

The replica lags the primary by a little (streaming replication: milliseconds); the page cache
reads the generation from the same database as the page, so a page is never labelled newer
than the data it was made from. `DATABASE_REPLICA_URL` names one standby: a listing's facets are
read on a second connection (background.py), which behind a balancer could reach another.
"""

import contextvars

from django.conf import settings

REPLICA = "replica"
_reads_from_replica = contextvars.ContextVar("reads_from_replica", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        _reads_from_replica.set(False)  # read your own writes for the rest of the request
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def is_reader_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith("/" + settings.ADMIN_PATH)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaRoutingMiddleware:
    """Marks a reader's request as one that may read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_from_replica.set(is_reader_request(request))
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
