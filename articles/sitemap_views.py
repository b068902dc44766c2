"""The sitemap index and its files, written as XML directly: Django's template spends most of a
second on 5,000 <url> elements, a string join a few milliseconds. Works with any Sitemap
subclass in articles/sitemaps.py (location, lastmod, changefreq and priority as methods or
attributes)."""

import datetime
from xml.sax.saxutils import escape

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from .sitemaps import ArticleSitemap, sitemaps

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
TAIL = "</urlset>\n"
INDEX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
INDEX_TAIL = "</sitemapindex>\n"


def per_item(sitemap, name):
    """A function of the item for `name`, whether the sitemap defines a method or a value:
    decided once per file rather than once per item."""
    attribute = getattr(sitemap, name, None)
    return attribute if callable(attribute) else (lambda item: attribute)


def url_elements(base, sitemap, items):
    """The <url> elements of `items`, and the newest lastmod among them."""
    location, lastmod_of = per_item(sitemap, "location"), per_item(sitemap, "lastmod")
    changefreq, priority = per_item(sitemap, "changefreq"), per_item(sitemap, "priority")
    elements, latest = [], None
    for item in items:
        lastmod, freq, prio = lastmod_of(item), changefreq(item), priority(item)
        elements.append(
            f"<url><loc>{escape(base + location(item))}</loc>"
            + (f"<lastmod>{lastmod.isoformat()[:10]}</lastmod>" if lastmod is not None else "")
            + (f"<changefreq>{freq}</changefreq>" if freq else "")
            + (f"<priority>{prio}</priority>" if prio is not None else "")
            + "</url>\n"
        )
        if lastmod is not None and (latest is None or lastmod > latest):
            latest = lastmod
    return elements, latest


def as_datetime(lastmod):
    if not isinstance(lastmod, datetime.datetime):
        lastmod = datetime.datetime.combine(lastmod, datetime.time.min)
    return lastmod if timezone.is_aware(lastmod) else timezone.make_aware(lastmod, datetime.UTC)


def sitemap_section(request, section):
    """`/sitemap-<section>.xml[?p=N]`, as django.contrib.sitemaps.views.sitemap answers it."""
    if section not in sitemaps:
        raise Http404(f"No sitemap section {section!r}")
    sitemap = sitemaps[section]()
    try:
        items = sitemap.paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(f"No page {request.GET.get('p')!r}") from error
    base = f"{request.scheme}://{request.get_host()}"
    elements, latest = url_elements(base, sitemap, items)
    response = HttpResponse(HEAD + "".join(elements) + TAIL, content_type="application/xml")
    if latest is not None:
        response["Last-Modified"] = http_date(as_datetime(latest).timestamp())
    return response


def file_lastmods():
    """{section: the lastmod of each of its files}, no entries built: the story files' from one
    pass over an index, every other section's from an index lookup or two."""
    story_files = ArticleSitemap().file_lastmods()
    latest = max(filter(None, story_files), default=None)  # every story is in a story file
    return {
        section: story_files if sitemap is ArticleSitemap else sitemap().file_lastmods(latest)
        for section, sitemap in sitemaps.items()
    }


def sitemap_index(request):
    """`/sitemap.xml`. Not django.contrib.sitemaps' index view: it builds every section's
    entries to find the section's lastmod, and gives each story file the archive's newest
    change, where here it is the newest change among that file's stories."""
    base = f"{request.scheme}://{request.get_host()}"
    elements, lastmods = [], file_lastmods()
    for section, files in lastmods.items():
        location = base + reverse("articles:sitemap-section", args=[section])
        for number, lastmod in enumerate(files, 1):
            loc = location if number == 1 else f"{location}?p={number}"
            elements.append(
                f"<sitemap><loc>{escape(loc)}</loc>"
                + (f"<lastmod>{as_datetime(lastmod).isoformat()}</lastmod>" if lastmod else "")
                + "</sitemap>\n"
            )
    response = HttpResponse(
        INDEX_HEAD + "".join(elements) + INDEX_TAIL, content_type="application/xml"
    )
    latest = max((m for files in lastmods.values() for m in files if m), default=None)
    if latest is not None:
        response["Last-Modified"] = http_date(as_datetime(latest).timestamp())
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"  # as Django's index view
    return response
