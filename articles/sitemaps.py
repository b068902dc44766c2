"""The sitemap: stories, the browsing pages, reporters, districts, tags, the date archives and
the printed editions, each with lastmod (the newest change to a story it lists).

Fast at any archive size (see bench/sitemap_benchmark.py): never a query or a reverse() per
item, addresses from one reverse() per kind, XML written without the template engine
(articles/sitemap_views.py). Story files are ranges of ids read from an index alone, with no
COUNT(*). The other files' entries are per-reporter/region/tag/page/day aggregates, each read
from an index (ArticleQuerySet.newest_change_by, article_page_updated_idx,
article_day_updated_idx) and cached under the newest change to any story. The index
(/sitemap.xml) builds no entries: each section's lastmod is one index lookup (`newest_change`).

Cold (nothing cached), in-process, median, 100,004 stories on PostgreSQL, before → after, ms:
the index 1,610 → 32; editions 1,385 → 195 (21,266 addresses: half SQL, half writing them);
reporters 175 → 15; tags 163 → 16; archives 145 → 28; districts 109 → 13; a story file 60 → 53."""

import datetime
import re
from functools import cached_property
from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.core.paginator import Page as PaginatorPage
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from .editions import PageSlugConverter
from .models import (
    UNKNOWN_PAGE_SLUG,
    Article,
    Byline,
    Page,
    Region,
    Reporter,
    story_content_type,
)
from .tags import is_usable_slug

ENTRIES_CACHE_SECONDS = 60 * 60
PLACEHOLDER = "0"
URL_SAFE = "!$&'()*+,;=~:@"  # what reverse() leaves unquoted in a path segment
PAGE_SLUG = re.compile(PageSlugConverter.regex)


def url_template(name, *placeholders):
    """`name`'s address as a str.format() template from a single reverse(), for arguments
    that need no percent-encoding (dates, numbers): "/editions/{}/{}/". `placeholders`: one
    value per argument that its converter accepts."""
    rest, pieces = reverse(name, args=placeholders), []
    for placeholder in placeholders:
        piece, _, rest = rest.partition(placeholder)
        pieces.append(piece)
    pieces.append(rest)
    return "{}".join(piece.replace("{", "{{").replace("}", "}}") for piece in pieces)


def url_pattern(name):
    """A function building `name`'s address for one argument, from a single reverse(),
    percent-encoded as reverse() would encode it (政法 → %E6%94%BF%E6%B3%95)."""
    template = url_template(name, PLACEHOLDER)
    return lambda value: template.format(quote(str(value), safe=URL_SAFE))


def latest_change():
    return Article.objects.newest_change()


def newest_day():
    """The day (UTC) of the newest change, all a sitemap writes of it, for the files of
    thousands of aggregates: Django reads a date in well under a microsecond, an aware
    datetime in some five (17,700 pages: 100 ms)."""
    return TruncDate(Max("updated_at"), tzinfo=datetime.UTC)


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

    def newest_change(self, latest):
        """This section's lastmod in the index, the newest change to a story it lists, found
        without building its entries. `latest` (the newest change to any story) for a section
        listing every story: the browsing pages, the date archives."""
        return latest

    def file_count(self):
        # One entry per reporter, region, tag or month: thousands at most, against the
        # 50,000 addresses a sitemap file may hold.
        return 1

    def file_lastmods(self, latest):
        return [self.newest_change(latest)] * self.file_count()


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
        return PaginatorPage(object_list, number, self)


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

    def file_lastmods(self):
        """The newest change in each file (range of ids), for the index: one pass over
        article_id_dates_idx, where the last id's file is the last file."""
        files = Article.objects.annotate(file=(F("id") - 1) / self.limit).values_list("file")
        newest = dict(files.annotate(newest=Max("updated_at")).order_by())
        return [newest.get(n) for n in range(max(newest, default=0) + 1)]


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
        slugs = dict(Reporter.objects.exclude(slug="").values_list("id", "slug"))
        newest = Article.objects.newest_change_by(Byline.objects, "article", "reporter", slugs)
        return [{"path": url(slugs[id]), "lastmod": newest[id]} for id in slugs if id in newest]

    def newest_change(self, latest):
        return Article.objects.filter(bylines__reporter__slug__gt="").newest_change()


class DistrictSitemap(ValuesSitemap):
    changefreq = "weekly"

    def build_entries(self):
        url = url_pattern("articles:district-detail")
        regions = list(Region.objects.values("id", "slug", "parent_id"))
        links, ids = Article.districts.through.objects, [r["id"] for r in regions]
        own = Article.objects.newest_change_by(links, "article", "region", ids)
        family = {r["id"]: [own.get(r["id"])] for r in regions}
        for region in regions:
            if region["parent_id"] in family:  # a city's page lists its districts' stories
                family[region["parent_id"]].append(own.get(region["id"]))
        return [
            {"path": url(r["slug"]), "lastmod": max(filter(None, family[r["id"]]), default=None)}
            for r in regions
            if r["slug"]
        ]

    def newest_change(self, latest):
        # A region with a slug lists its own stories and, for the city, its districts'.
        listed = Q(districts__slug__gt="") | Q(districts__parent__slug__gt="")
        return Article.objects.filter(listed).newest_change()


class TagSitemap(ValuesSitemap):
    changefreq = "weekly"

    def usable_tags(self):
        """{id: slug} of the tags with a slug a URL can hold: one stored behind the ORM's back
        may not, and then the tag has no address to list."""
        tags = Tag.objects.order_by("slug").values_list("id", "slug")
        return {id: slug for id, slug in tags if is_usable_slug(slug)}

    def tagged(self):
        return TaggedItem.objects.filter(content_type=story_content_type())

    def build_entries(self):
        url = url_pattern("articles:tag-detail")
        slugs = self.usable_tags()
        newest = Article.objects.newest_change_by(self.tagged(), "object_id", "tag", slugs)
        return [{"path": url(slugs[id]), "lastmod": newest[id]} for id in slugs if id in newest]

    def newest_change(self, latest):
        tagged = self.tagged().filter(tag__in=list(self.usable_tags()))
        return Article.objects.filter(pk__in=tagged.values("object_id")).newest_change()


class DateArchiveSitemap(ValuesSitemap):
    changefreq = "monthly"

    def build_entries(self):
        # Per day from article_day_updated_idx, folded into months and years here: grouping
        # by EXTRACT(year), EXTRACT(month) would read every story's row instead.
        days = Article.objects.values_list("published_on").annotate(newest=newest_day())
        months, years = {}, {}
        for day, lastmod in days.order_by("published_on"):
            for period, key in ((months, (day.year, day.month)), (years, day.year)):
                period[key] = max(period.get(key, lastmod), lastmod)
        month_url = url_template("articles:archive-month", "0", "00").format
        year_url = url_pattern("articles:archive-year")
        return [
            {"path": month_url(year, f"{month:02d}"), "lastmod": lastmod}
            for (year, month), lastmod in months.items()
        ] + [{"path": year_url(year), "lastmod": lastmod} for year, lastmod in years.items()]


class EditionSitemap(ValuesSitemap):
    """Every edition and every printed page of it that has stories, with their stories'
    newest change."""

    changefreq = "yearly"

    def build_entries(self):
        # Per page from article_page_updated_idx, then the pages' dates and numbers from the
        # small Page and Edition tables: grouping the join of all three reads every story.
        newest = dict(
            Article.objects.filter(page__isnull=False)
            .values_list("page")
            .annotate(newest=newest_day())
            .order_by()
        )
        pages = Page.objects.order_by("edition__date", F("number").asc(nulls_last=True), "id")
        # Formatted rather than quoted: 21,000 quote() calls would cost tens of milliseconds.
        edition_url = url_template("articles:edition-detail", "0001-01-01").format
        page_url = url_template("articles:page-detail", "0001-01-01", UNKNOWN_PAGE_SLUG).format
        editions, entries = {}, []
        for page, day, number in pages.values_list("id", "edition__date", "number"):
            if (lastmod := newest.get(page)) is None:
                continue
            editions[day] = max(editions.get(day, lastmod), lastmod)
            slug = str(number or UNKNOWN_PAGE_SLUG)
            if PAGE_SLUG.fullmatch(slug):  # a number stored behind the ORM's back may not fit
                entries.append({"path": page_url(day, slug), "lastmod": lastmod})
        return entries + [
            {"path": edition_url(day), "lastmod": lastmod} for day, lastmod in editions.items()
        ]

    def newest_change(self, latest):
        return Article.objects.filter(page__isnull=False).newest_change()

    def file_count(self):
        # A page and an edition of it per address, at most: one file until some 235,000
        # stories; past that the entries are counted.
        counts = Page.objects.aggregate(pages=Count("id"), editions=Count("edition", distinct=True))
        if counts["pages"] + counts["editions"] <= self.limit:
            return 1
        return self.paginator.num_pages


sitemaps = {
    "articles": ArticleSitemap,
    "browse": BrowsingSitemap,
    "reporters": ReporterSitemap,
    "districts": DistrictSitemap,
    "tags": TagSitemap,
    "archives": DateArchiveSitemap,
    "editions": EditionSitemap,
}
