"""HTTP caching for the API: a strong ETag of the body, Cache-Control for an archive, and 304
for a matching If-None-Match / If-Modified-Since. Also the docs page's own CSP allowances.

The ETag is computed from the rendered JSON (as Django's ConditionalGetMiddleware does), so it
is right whatever changed; a client that revalidates saves the transfer, not the queries."""

from functools import wraps

from csp.decorators import csp_update
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe

API_MAX_AGE = 300  # an archive changes rarely; five minutes of staleness is harmless
API_STALE_WHILE_REVALIDATE = 60


def api_cache_headers(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_cache_control(
            response,
            public=True,
            max_age=API_MAX_AGE,
            stale_while_revalidate=API_STALE_WHILE_REVALIDATE,
        )
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    return wrapped


# Swagger UI sets inline styles on the elements it draws and loads its logo as a data: URL. The
# allowance is for the docs page alone; every other page keeps the site's strict policy.
docs_page_csp = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})
