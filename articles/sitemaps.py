"""The sitemap: stories, the browsing pages, reporters, districts, tags and the date archives,
each with lastmod (the newest change to a story it lists).

Fast at any archive size (see bench/sitemap_benchmark.py): never a query or a reverse() per
item, addresses from one reverse() per kind, XML written without the template engine
(articles/sitemap_views.py). Story files are ranges of ids read from an index alone, with no
COUNT(*); the per-reporter/district/tag/month lastmods are aggregates over the whole archive,
so they are kept in the cache under the newest change to any story (one index lookup, itself
cached per archive generation: the index asks it once, not once per section)."""

from functools import cached_property
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import Max
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from .generation import current_state
from .models import UNKNOWN_PAGE_SLUG, Article, Byline, Region
from .tags import is_usable_slug

ENTRIES_CACHE_SECONDS = 60 * 60
PLACEHOLDER = "0"
URL_SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted in a path segment


def url_pattern(name):
    """A function building `name`'s address for one argument, from a single reverse(),
    percent-encoded as reverse() would encode it (政法 → %E6%94%BF%E6%B3%95)."""
    prefix, suffix = reverse(name, args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)
    return lambda value: f"{prefix}{quote(str(value), safe=URL_SAFE)}{suffix}"


def latest_change():
    """The newest change to any story, asked once per archive generation (any change to a
    story moves the generation) rather than once per section of the sitemap index."""
    key = f"sitemap:latest:{current_state().generation}"
    return cache.get_or_set(
        key, lambda: Article.objects.aggregate(latest=Max("updated_at"))["latest"]
    )


class ValuesSitemap(Sitemap):
    """Items are dicts with `path` and `lastmod`, built by `build_entries()` and cached until
    a story changes (or for ENTRIES_CACHE_SECONDS, for changes that touch no story)."""

    def location(self, item):
        return item["path"]

    def lastmod(self, item):
        return item["lastmod"]

    def items(self):
        return self.entries

    @cached_property
    def entries(self):
        latest = latest_change()
        key = f"sitemap:{type(self).__name__}:{latest.timestamp() if latest else 0}"
        return cache.get_or_set(key, self.build_entries, ENTRIES_CACHE_SECONDS)

    def build_entries(self):
        raise NotImplementedError

    def get_latest_lastmod(self):
        return max((e["lastmod"] for e in self.entries if e["lastmod"]), default=None)


class IdRangePaginator:
    """Pages of `per_page` consecutive ids rather than of `per_page` rows: page n is the ids
    in ((n-1)·per_page, n·per_page], found in the index, where an OFFSET would walk every
    row before it and the page count would need a COUNT(*). A page with deleted stories holds
    fewer addresses; that is all."""

    def __init__(self, queryset, per_page):
        self.queryset, self.per_page = queryset, per_page

    @cached_property
    def num_pages(self):
        last_id = self.queryset.aggregate(last=Max("id"))["last"] or 0
        return max(1, -(-last_id // self.per_page))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(number) from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        start = (number - 1) * self.per_page
        object_list = self.queryset.filter(id__gt=start, id__lte=start + self.per_page)
        return Page(object_list, number, self)


class ArticleSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5_000  # ids per file; /sitemap.xml is an index of them

    def items(self):
        return Article.objects.order_by("id").values_list("id", "updated_at")

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    @cached_property
    def article_url(self):
        return url_pattern("articles:article-detail")

    def location(self, item):
        return self.article_url(item[0])

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        # Django's default would call lastmod() on every story in the archive.
        return latest_change()


class BrowsingSitemap(ValuesSitemap):
    changefreq = "daily"
    names = ("home", "article-list", "reporter-list", "district-list", "tag-list")

    def build_entries(self):
        lastmod = latest_change()
        return [{"path": reverse(f"articles:{name}"), "lastmod": lastmod} for name in self.names]


class ReporterSitemap(ValuesSitemap):
    changefreq = "weekly"

    def build_entries(self):
        url = url_pattern("articles:reporter-detail")
        rows = (
            Byline.objects.values("reporter__slug")
            .annotate(lastmod=Max("article__updated_at"))
            .order_by("reporter__slug")
        )
        return [
            {"path": url(r["reporter__slug"]), "lastmod": r["lastmod"]}
            for r in rows
            if r["reporter__slug"]
        ]


class DistrictSitemap(ValuesSitemap):
    changefreq = "weekly"

    def build_entries(self):
        url = url_pattern("articles:district-detail")
        regions = Region.objects.with_latest_change().values("slug", "lastmod")
        return [{"path": url(r["slug"]), "lastmod": r["lastmod"]} for r in regions if r["slug"]]


class TagSitemap(ValuesSitemap):
    changefreq = "weekly"

    def build_entries(self):
        url = url_pattern("articles:tag-detail")
        rows = (
            Article.objects.filter(tags__isnull=False)
            .values("tags__slug")
            .annotate(lastmod=Max("updated_at"))
            .order_by("tags__slug")
        )
        # A slug no URL can hold (stored behind the ORM's back) has no address to list.
        return [
            {"path": url(r["tags__slug"]), "lastmod": r["lastmod"]}
            for r in rows
            if is_usable_slug(r["tags__slug"])
        ]


class DateArchiveSitemap(ValuesSitemap):
    changefreq = "monthly"

    def build_entries(self):
        rows = (
            Article.objects.annotate(
                year=ExtractYear("published_on"), month=ExtractMonth("published_on")
            )
            .values("year", "month")
            .annotate(lastmod=Max("updated_at"))
            .order_by("year", "month")
        )
        years, entries = {}, []
        for row in rows:
            year = row["year"]
            years[year] = max(years.get(year, row["lastmod"]), row["lastmod"])
            path = reverse("articles:archive-month", args=[year, f"{row['month']:02d}"])
            entries.append({"path": path, "lastmod": row["lastmod"]})
        entries += [
            {"path": reverse("articles:archive-year", args=[year]), "lastmod": lastmod}
            for year, lastmod in years.items()
        ]
        return entries


class EditionSitemap(ValuesSitemap):
    """Every edition and every printed page of it, with their stories' newest change."""

    changefreq = "yearly"

    def build_entries(self):
        rows = (
            Article.objects.filter(page__isnull=False)
            .values("page__edition__date", "page__number", "page_id")
            .annotate(lastmod=Max("updated_at"))
            .order_by("page__edition__date", "page__number", "page_id")
        )
        editions, entries = {}, []
        for row in rows:
            day, number = row["page__edition__date"], row["page__number"]
            editions[day] = max(editions.get(day, row["lastmod"]), row["lastmod"])
            path = reverse("articles:page-detail", args=[day, number or UNKNOWN_PAGE_SLUG])
            entries.append({"path": path, "lastmod": row["lastmod"]})
        entries += [
            {"path": reverse("articles:edition-detail", args=[day]), "lastmod": lastmod}
            for day, lastmod in editions.items()
        ]
        return entries


sitemaps = {
    "articles": ArticleSitemap,
    "browse": BrowsingSitemap,
    "reporters": ReporterSitemap,
    "districts": DistrictSitemap,
    "tags": TagSitemap,
    "archives": DateArchiveSitemap,
    "editions": EditionSitemap,
}
