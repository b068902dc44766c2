"""Whole public pages cached for readers, labelled with the archive's generation.

A reader's GET or HEAD of a public page is answered, in order:
1. `304 Not Modified` when the reader's `If-None-Match` holds the current ETag (nothing rendered);
2. the cached page, when it was made at the current generation (nothing rendered);
3. the view, whose response is cached under the normalised URL for the next reader.

Every such request reads the generation once (articles/generation.py): that is what lets every
process see an edit the moment it commits, whether the cache is Redis or each worker's memory.
An entry made at an older generation is not deleted, only no longer served, except while the
database is away: then it is served as it is, marked stale (`Warning: 111`, `Age`), and a page
never cached gets the 503 page (articles/outage.py).

Not cached, ever: anything but GET and HEAD; the admin, the API (which answers its own
conditional GETs), `/healthz` and static files; requests carrying a session cookie (editors see
the database as it is); responses that set a cookie, say `private` or `no-store`, stream, or
have a status other than 200, 301 and 404.
"""

import hashlib
import logging
import time
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, caches
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from . import outage
from .generation import forget_for_request, read_state, remember_for_request

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
# How long an entry may serve as a stale copy during an outage; a current one is served however
# old it is, since the generation proves it is still right.
ENTRY_SECONDS = 24 * 60 * 60
# Browsers and proxies may reuse a page for a minute and revalidate it (a 304) in the
# background for five more; during an outage a day-old copy beats an error.
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
CACHEABLE_STATUSES = frozenset({200, 301, 404})
UNCACHED_PREFIXES = ("/api/", "/healthz")


def page_cache():
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


@lru_cache(maxsize=1)
def release():
    """What the code and templates are: a deploy changes how pages look without moving the
    generation, so it must start a fresh set of entries and ETags. `DJANGO_RELEASE` (a commit
    id) when the deployment sets it, else a digest of the sources, the same in every process
    that runs the same files."""
    if getattr(settings, "RELEASE", ""):
        return settings.RELEASE[:12]
    digest = hashlib.blake2b(digest_size=6)
    for folder in ("articles", "huzhou_news", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".css", ".txt", ".xml"} and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def normalised_query(query_string):
    """The query string with empty parameters dropped and names sorted; values of a repeated
    name keep their order (the views read the last one)."""
    pairs = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if v.strip()]
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def page_key(request):
    """Scheme and host are part of it: feeds, the sitemap and robots.txt hold absolute URLs."""
    url = f"{request.scheme}://{request.get_host()}{request.path}"
    query = normalised_query(request.META.get("QUERY_STRING", ""))
    digest = hashlib.sha256(f"{url}?{query}".encode()).hexdigest()
    return f"page:{release()}:{digest}"


def make_etag(generation):
    return f'W/"{release()}-{generation}"'


def etag_matches(request, etag):
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    wanted = parse_etags(header)
    # Weak comparison (RFC 9110 13.1.2): W/"x" and "x" match.
    return "*" in wanted or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in wanted}


def not_modified(etag, extra_headers=()):
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Cookie"
    for name, value in extra_headers:
        response[name] = value
    return response


class Entry:
    """A cached response: plain data, so that it pickles small and any process can read it."""

    def __init__(self, response, generation):
        self.generation = generation
        self.status = response.status_code
        self.headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
        self.content = response.content
        self.stored_at = time.time()
        self.etag = response["ETag"]

    def response(self, state, extra_headers=()):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response["X-Page-Cache"] = state
        for name, value in extra_headers:
            response[name] = value
        return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.uncached_prefixes = (
            "/" + settings.ADMIN_PATH,
            "/" + settings.STATIC_URL.lstrip("/"),
            *UNCACHED_PREFIXES,
        )

    def __call__(self, request):
        key = self.key_for(request)
        if key is None:
            return self.get_response(request)
        try:
            state = read_state()
        except DatabaseError as error:
            logger.warning("Database unavailable, serving from the page cache: %s", error)
            return self.during_outage(request, key)
        token = remember_for_request(state)
        try:
            return self.respond(request, key, state.generation)
        finally:
            forget_for_request(token)

    def process_exception(self, request, exception):
        """A view that lost the database (any view: public, admin, API) answers the 503 page,
        logged in one line rather than as a traceback per request."""
        if outage.is_database_unavailable(exception):
            logger.error(
                "Database unavailable: %s %s: %s",
                request.method,
                request.path,
                " ".join(str(exception).split())[:200],
            )
            return outage.unavailable_response(request)
        return None

    def key_for(self, request):
        """The request's cache key, or None when this request is never served from the cache."""
        if request.method not in ("GET", "HEAD"):
            return None
        if request.path_info.startswith(self.uncached_prefixes):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # an editor, or someone who was one: always the live page
        try:
            return page_key(request)
        except Exception:  # DisallowedHost and its kin: let Django answer them itself
            return None

    def respond(self, request, key, generation):
        etag = make_etag(generation)
        if etag_matches(request, etag):
            return not_modified(etag)
        entry = self.cached(key)
        if entry is not None and entry.generation == generation:
            return entry.response("hit")
        response = self.get_response(request)
        if getattr(response, "database_unavailable", False):
            return self.during_outage(request, key, response)
        if self.is_cacheable(response):
            self.label(response, etag)
            self.store(key, Entry(response, generation))
            response["X-Page-Cache"] = "miss"
        return response

    def during_outage(self, request, key, unavailable=None):
        """The last copy of the page, however old, marked stale; else the 503 page."""
        entry = self.cached(key)
        if entry is None:
            return unavailable or outage.unavailable_response(request)
        age = str(max(0, int(time.time() - entry.stored_at)))
        stale = [("Age", age), ("Warning", '111 - "Revalidation Failed"')]
        if etag_matches(request, entry.etag):
            return not_modified(entry.etag, stale)
        return entry.response("stale", stale)

    def is_cacheable(self, response):
        if response.status_code not in CACHEABLE_STATUSES or response.streaming:
            return False
        if response.cookies:
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    def label(self, response, etag):
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
        if len(settings.LANGUAGES) == 1 and response.has_header("Vary"):
            # One language only: the page is the same whatever Accept-Language says.
            kept = [v.strip() for v in response["Vary"].split(",")]
            response["Vary"] = ", ".join(v for v in kept if v.lower() != "accept-language")
            if not response["Vary"]:
                del response["Vary"]
        patch_vary_headers(response, ("Cookie",))

    def cached(self, key):
        try:
            return page_cache().get(key)
        except Exception as error:  # a cache that is down is a miss, not an error page
            logger.warning("Page cache unavailable: %s", error)
            return None

    def store(self, key, entry):
        try:
            page_cache().set(key, entry, ENTRY_SECONDS)
        except Exception as error:
            logger.warning("Page cache unavailable: %s", error)
