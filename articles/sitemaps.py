"""The sitemap: stories, the browsing pages, reporters, districts, tags and the date archives,
each with lastmod (the newest change to a story it lists).

Fast at any archive size: each file is a handful of aggregate queries over plain values() rows,
never a query or a reverse() per item; addresses come from one reverse() per kind."""

from functools import cached_property
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from .models import Article, Byline, Region

PLACEHOLDER = "0"
URL_SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted in a path segment


def url_pattern(name):
    """A function building `name`'s address for one argument, from a single reverse(),
    percent-encoded as reverse() would encode it (政法 → %E6%94%BF%E6%B3%95)."""
    prefix, suffix = reverse(name, args=[PLACEHOLDER]).rsplit(PLACEHOLDER, 1)
    return lambda value: f"{prefix}{quote(str(value), safe=URL_SAFE)}{suffix}"


def latest_change():
    return Article.objects.aggregate(latest=Max("updated_at"))["latest"]


class ValuesSitemap(Sitemap):
    """Items are dicts with `path` and `lastmod`, computed once per request."""

    def location(self, item):
        return item["path"]

    def lastmod(self, item):
        return item["lastmod"]

    def items(self):
        return self.entries

    def get_latest_lastmod(self):
        return max((e["lastmod"] for e in self.entries if e["lastmod"]), default=None)


class ArticleSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5_000  # per file; /sitemap.xml is an index of them

    def items(self):
        return Article.objects.order_by("id").values_list("id", "updated_at")

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

    @cached_property
    def entries(self):
        lastmod = latest_change()
        return [{"path": reverse(f"articles:{name}"), "lastmod": lastmod} for name in self.names]


class ReporterSitemap(ValuesSitemap):
    changefreq = "weekly"

    @cached_property
    def entries(self):
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

    @cached_property
    def entries(self):
        url = url_pattern("articles:district-detail")
        own = dict(
            Article.districts.through.objects.values_list("region_id")
            .annotate(lastmod=Max("article__updated_at"))
            .order_by()
        )
        regions = list(Region.objects.values("id", "slug", "parent_id"))
        family = {r["id"]: [own.get(r["id"])] for r in regions}
        for region in regions:
            if region["parent_id"] in family:  # a city's page lists its districts' stories
                family[region["parent_id"]].append(own.get(region["id"]))
        return [
            {"path": url(r["slug"]), "lastmod": max(filter(None, family[r["id"]]), default=None)}
            for r in regions
            if r["slug"]
        ]


class TagSitemap(ValuesSitemap):
    changefreq = "weekly"

    @cached_property
    def entries(self):
        url = url_pattern("articles:tag-detail")
        rows = (
            Article.objects.filter(tags__isnull=False)
            .values("tags__slug")
            .annotate(lastmod=Max("updated_at"))
            .order_by("tags__slug")
        )
        # A tag with an empty slug (an editor's tag of punctuation) has no address to list.
        return [
            {"path": url(r["tags__slug"]), "lastmod": r["lastmod"]} for r in rows if r["tags__slug"]
        ]


class DateArchiveSitemap(ValuesSitemap):
    changefreq = "monthly"

    @cached_property
    def entries(self):
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


sitemaps = {
    "articles": ArticleSitemap,
    "browse": BrowsingSitemap,
    "reporters": ReporterSitemap,
    "districts": DistrictSitemap,
    "tags": TagSitemap,
    "archives": DateArchiveSitemap,
}
