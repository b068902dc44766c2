"""
Settings for the Huzhou news archive.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL (and DATABASE_REPLICA_URL), DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS,
DJANGO_SECURE_SSL_REDIRECT, DJANGO_BEHIND_PROXY (with DJANGO_PROXY_COUNT) and REDIS_URL.
See README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")


def env_int(name, default, minimum=0):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}.")
    return int(value)


def weak_secret_key(key):
    """Django's own test (security.W009): short, few distinct characters, or a generated
    development key."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site will not start "
        "without a secret key: set DJANGO_SECRET_KEY to a long random string "
        "(or set DJANGO_DEBUG=1 for local development)."
    )
if SECRET_KEY and weak_secret_key(SECRET_KEY) and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: it needs at least 50 characters, at least 5 of them "
        "different, and must not start with 'django-insecure-'. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not SECRET_KEY:
    # Only ever reached with DEBUG on: a fixed key is harmless for local development.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "localhost,127.0.0.1"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "reversion",
    "axes",
    "corsheaders",
    "ninja",  # the API's docs page template and its bundled Swagger UI (no CDN)
    "articles",
]

MIDDLEWARE = [
    # First: every response and every log line of a request carry its request id.
    "articles.request_logging.RequestIdMiddleware",
    # The security headers wrap everything below, so that every response carries them: the
    # SSL redirect, static files, the read-only site's 405, CSRF's 403, error pages.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "articles.security.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer early, so that every /api/ response carries CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.security.NulInPathMiddleware",
    # Before CommonMiddleware and CSRF, so a write to a public URL is a plain 405.
    "articles.middleware.ReadOnlyPublicSiteMiddleware",
    # Before sessions and everything else: a reader's cached page costs one query and no work.
    "articles.routers.ReplicaRoutingMiddleware",
    "articles.page_cache.PageCacheMiddleware",
    # Old reporter/region/tag addresses: a 404 there becomes a 301 to the current page.
    "articles.redirects.SlugRedirectFallbackMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # django-axes wants to be last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huzhou_news.urls"

# Where the editors' desk lives; a less guessable path cuts the noise from scripted logins.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH must not be empty: the site itself lives at /.")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.generation.archive_generation",
            ],
        },
    },
]

WSGI_APPLICATION = "huzhou_news.wsgi.application"

# A worker keeps its connection for ten minutes: a new one costs its first request about 10 ms
# (the server process starts and loads the catalog; measured at 100,000 stories), and at 60
# seconds that fell on one reader's request a minute per worker. Ten minutes still moves a
# worker to a new replica or server within ten minutes of a failover.
conn_max_age = int(os.environ.get("DJANGO_CONN_MAX_AGE", "600"))

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=conn_max_age,
        conn_health_checks=True,
    )
}

# Optional read replica: readers' pages read from it (articles/routers.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=conn_max_age,
        conn_health_checks=True,
    )
    # Tests read the primary through the replica alias instead of a copy of their own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["articles.routers.ReplicaRouter"]

# Whole public pages (articles/page_cache.py) live in their own cache, so that they are evicted
# among themselves and never push the small cached fragments out.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "huzhou_news.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "huzhou_news",
            "TIMEOUT": 300,
        },
        "pages": {
            "BACKEND": "huzhou_news.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "huzhou_news_pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 300,
        },
        # Per worker: about 2,000 pages of 10-40 KB keep a worker well under 250 MB.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A covering index (INCLUDE) serves the sitemap on PostgreSQL; SQLite, which has no such thing,
# builds it on its key alone, and every manage.py command there would warn about it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes). Axes must come first: it refuses a locked-out login before
# any password is checked. Lockout is per username *and* address, so a guesser cannot lock a
# real editor out from everywhere, and a shared proxy address does not lock out the newsroom.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# Behind a reverse proxy (DJANGO_BEHIND_PROXY=1) and only then, the proxy's headers are trusted:
# X-Forwarded-Proto says whether the client came over HTTPS, and login throttling keys on the
# client address the proxy puts in X-Forwarded-For. Without it, a client could claim HTTPS or
# another address by sending those headers itself.
BEHIND_PROXY = env_flag("DJANGO_BEHIND_PROXY")
# How many proxies of ours stand in front of gunicorn (nginx alone: 1). Each appends the address
# it received the request from to X-Forwarded-For, so the client's address is the PROXY_COUNT-th
# from the right; entries further left were sent by the client and may be forged.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1, minimum=1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # django-ipware counts only the proxies *listed* in X-Forwarded-For; the nearest one is
    # REMOTE_ADDR. axes asks it strictly: a header with more entries than our proxies write
    # (a forged prefix) is not believed, and the request is keyed on REMOTE_ADDR instead.
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    SECURE_PROXY_SSL_HEADER = None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files served at the site's root by whitenoise: /favicon.ico, which browsers and feed readers
# ask for whatever the page links.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# What the page cache and ETags call this deployment (a commit id); a digest of the sources
# when unset. See articles/page_cache.py.
RELEASE = os.environ.get("DJANGO_RELEASE", "")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TAGGIT_CASE_INSENSITIVE = True
# Chinese separators (，、) and names that survive a story's re-save; see articles/tags.py.
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tags.edit_string_for_tags"

ARCHIVE_PAGE_SIZE = 20

# The newspaper the stories were printed in, as citations name it (GB/T 7714, RIS, BibTeX).
ARCHIVE_PUBLICATION_NAME = os.environ.get("ARCHIVE_PUBLICATION_NAME", "湖州日报")

# The API is open to scripts on any site, for reading only; the rest of the site sends no
# CORS headers at all.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified")

# Production defaults with debug off (`check --deploy` passes with no other setting); local
# development with debug on stays plain HTTP. DJANGO_SECURE_SSL_REDIRECT=0 serves plain HTTP
# with debug off (a local production-like run); HSTS is still sent on any HTTPS request.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the site never uses, switched off for it and anything it embeds
# (articles/security.py sends the header).
PERMISSIONS_POLICY = [
    "accelerometer",
    "ambient-light-sensor",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
CSRF_FAILURE_VIEW = "articles.views.csrf_failure"

# The public site has no scripts and no third-party resources; the admin serves its own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# One JSON line per warning or error, with the request's id and nothing secret (no cookies,
# headers, form data or query strings; the secret key and database password are masked):
# see articles/request_logging.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "articles.request_logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "level": "WARNING"}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own console handler would print the same errors again, unstructured.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
