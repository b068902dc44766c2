from django.conf import settings
from django.http import HttpResponseNotAllowed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReadOnlyPublicSiteMiddleware:
    """Refuse every write to the public site with 405; the admin is the only way in.

    Checked by path rather than by resolved view so that a write is refused before CSRF,
    APPEND_SLASH redirects or URL resolution can answer it differently, and so that a view
    added later cannot accept a write by accident.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not request.path_info.startswith(
            self.admin_prefix
        ):
            return HttpResponseNotAllowed(SAFE_METHODS)
        return self.get_response(request)
