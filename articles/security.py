"""The one security header Django does not send itself (Permissions-Policy), and paths no URL
of the site can match.

The others come from Django (X-Frame-Options, nosniff, Referrer-Policy, Cross-Origin-Opener-
Policy, HSTS) and django-csp (Content-Security-Policy with frame-ancestors); settings.MIDDLEWARE
puts them all outside everything that can answer early, so every response carries them.
"""

from django.conf import settings
from django.http import Http404


def permissions_policy(features):
    """`camera=(), geolocation=(), …`: each feature off for the site and anything it embeds."""
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NulInPathMiddleware:
    """No URL of the site holds a NUL byte, and PostgreSQL refuses to compare text with one: a
    path such as /tags/%00/feed/ is a 404 before any view can send it to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        return self.get_response(request)
