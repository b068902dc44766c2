"""Stable addresses: a reporter's, region's or tag's page (and its feeds) keeps answering at its
old slug after a rename or a merge of reporters, with a 301 to where it is now.

Kept in SlugRedirect by signals (a rename, from any path: admin, restore, shell) and by
merge_reporters; answered by a fallback middleware that looks only at 404s, so a live page
always wins over an old address that happens to share its slug."""

from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse
from taggit.models import Tag

from .models import Region, Reporter, SlugRedirect

KINDS = {Reporter: "reporter", Region: "district", Tag: "tag"}
MODELS = {kind: model for model, kind in KINDS.items()}
# The URL names that carry a slug of each kind: the page and its feeds.
PAGES = ("detail", "feed", "atom")


def moved_to(kind, slug):
    """The current slug of what `slug` used to name, or None."""
    target_id = (
        SlugRedirect.objects.filter(kind=kind, old_slug=slug)
        .values_list("target_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    current = MODELS[kind].objects.filter(pk=target_id).values_list("slug", flat=True).first()
    return current if current and current != slug else None


def remember(kind, old_slug, target_id):
    if old_slug:
        SlugRedirect.objects.update_or_create(
            kind=kind, old_slug=old_slug, defaults={"target_id": target_id}
        )


def record_merge(keep, duplicates, kind="reporter"):
    """Before merging reporters (or tags): their addresses, and those that led to them, lead to
    `keep`."""
    ids = [duplicate.pk for duplicate in duplicates]
    SlugRedirect.objects.filter(kind=kind, target_id__in=ids).update(target_id=keep.pk)
    for duplicate in duplicates:
        remember(kind, duplicate.slug, keep.pk)


def remember_slug(sender, instance, raw, using, **kwargs):
    instance._redirects_old_slug = None
    if instance.pk is not None and not raw:
        instance._redirects_old_slug = (
            sender._default_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("slug", flat=True)
            .first()
        )


def slug_saved(sender, instance, raw, using, **kwargs):
    old_slug = getattr(instance, "_redirects_old_slug", None)
    if raw or old_slug is None or old_slug == instance.slug:
        return
    kind = KINDS[sender]
    remember(kind, old_slug, instance.pk)
    # The new slug is live: an old address with the same slug must not shadow it later.
    SlugRedirect.objects.filter(kind=kind, old_slug=instance.slug).delete()


def connect():
    for model in KINDS:
        uid = f"articles.redirects.{model.__name__}"
        pre_save.connect(remember_slug, sender=model, dispatch_uid=uid)
        post_save.connect(slug_saved, sender=model, dispatch_uid=uid)


class SlugRedirectFallbackMiddleware:
    """Turn a 404 at an old reporter/region/tag address into a 301 to the current one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return self.redirect(request) or response

    def redirect(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        kind, _, page = (match.url_name or "").partition("-")
        slug = match.kwargs.get("slug")
        if kind not in MODELS or page not in PAGES or not slug or match.namespace != "articles":
            return None
        new_slug = moved_to(kind, slug)
        if new_slug is None:
            return None
        location = reverse(match.view_name, kwargs={**match.kwargs, "slug": new_slug})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
