"""The one security header Django does not send itself: Permissions-Policy.

The others come from Django (X-Frame-Options, nosniff, Referrer-Policy, Cross-Origin-Opener-
Policy, HSTS) and django-csp (Content-Security-Policy with frame-ancestors); settings.MIDDLEWARE
puts them all outside everything that can answer early, so every response carries them.
"""

from django.conf import settings


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
