"""A listing's query string, parsed once: filters, search, period and order.

Every listing of stories (`/articles/`, the reporter, district and tag pages), the search page
and the API read their parameters through `ListingParams`, so that a parameter means the same
thing everywhere and a bad value is refused the same way:

- `reporter`, `district`, `tag`: slugs; an unknown one is a 404 (there is no such page);
- `q`: a search, parsed once into a `search.ParsedQuery` (a refused query raises
  `search.InvalidQuery`, a ValueError: a 400);
- `from`, `to`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, both inclusive (`to=2021-09` runs through
  30 September); a value that names no date raises `InvalidParameter` (a ValueError: a 400);
- `sort`: `relevance` (the default with a query), `newest` (the default without one; also
  what `relevance` means without a query) or `oldest`.

`page` is the paginator's.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import connections
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from taggit.models import Tag

from . import search
from .generation import current_state
from .models import Article, Region, Reporter

FILTER_MODELS = {"reporter": Reporter, "district": Region, "tag": Tag}
SORTS = ("relevance", "newest", "oldest")
# Probing one story's links (an index descent) costs about this many links hashed: 2.4 µs a
# story against 0.15–0.25 µs a link, measured at 100,000 stories on PostgreSQL.
PROBE_COST = 10
# PostgreSQL hashes a subquery's rows only if it expects them to fit in work_mem ×
# hash_mem_multiplier (8 MB by default: some 260,000 ids; a city's links are a quarter more
# than its stories); beyond that it would run the subquery again for every story walked.
MOST_LINKS_HASHED = 150_000
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", re.ASCII)


class InvalidParameter(ValueError):
    """A listing parameter that names nothing we can list; the message is for readers."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


def hashing_links_pays(count, depth, stories):
    """Whether a page `depth` stories into a listing of `count` of the archive's `stories`,
    one filter's, is found sooner by hashing the filter's links than by probing them for each
    story walked (about depth × stories / count of them)."""
    return count <= MOST_LINKS_HASHED and count * count < PROBE_COST * depth * stories


def parse_date(value, name, *, end=False):
    """The first (or with `end`, the last) day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and the
    value written the canonical way; (None, "") when empty."""
    value = value.strip()
    if not value:
        return None, ""
    match = _DATE.fullmatch(value)
    if not match:
        shown = search.clean_input(value[:20])
        raise InvalidParameter(name, f"日期“{shown}”看不懂：请写成 2021、2021-09 或 2021-09-30。")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < datetime.MINYEAR:
        raise InvalidParameter(name, "没有公元 0 年：年份请从 0001 写起。")
    if month is not None and not 1 <= month <= 12:
        raise InvalidParameter(name, f"没有 {month} 月：月份是 1 到 12。")
    last_month = month or 12
    last_day = calendar.monthrange(year, last_month)[1]
    if day is not None and not 1 <= day <= last_day:
        raise InvalidParameter(name, f"{year} 年 {month} 月没有 {day} 日。")
    if day is not None:
        return datetime.date(year, month, day), f"{year:04}-{month:02}-{day:02}"
    text = f"{year:04}-{month:02}" if month else f"{year:04}"
    if end:
        return datetime.date(year, last_month, last_day), text
    return datetime.date(year, month or 1, 1), text


@dataclass
class ListingParams:
    """What a listing shows, from its query string (and a filter fixed by its URL)."""

    filters: dict = field(default_factory=dict)  # "reporter"/"district"/"tag" → object
    query: search.ParsedQuery = search.ParsedQuery("")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    from_text: str = ""  # the period as given, written the canonical way
    to_text: str = ""
    sort: str = "newest"  # always one of SORTS that applies (never relevance without a query)
    url_filter: str | None = None
    params: QueryDict = field(default_factory=QueryDict)

    @classmethod
    def from_request(cls, request, url_filter=None, url_slug=None):
        return cls.parse(request.GET, url_filter, url_slug)

    @classmethod
    def parse(cls, params, url_filter=None, url_slug=None):
        """Raises Http404 for an unknown slug, InvalidParameter or search.InvalidQuery (both
        ValueErrors) for a value that cannot be understood."""
        filters = {}
        for name, model in FILTER_MODELS.items():
            slug = url_slug if name == url_filter else params.get(name)
            if slug and "\x00" in slug:
                raise Http404  # no slug holds a NUL, and PostgreSQL refuses to compare one
            if slug:
                filters[name] = get_object_or_404(model, slug=slug)
        typed = params.get("q", "").strip()
        # Only a typed query is parsed: parsing loads the segmenter's dictionary.
        query = search.parse_query(typed) if typed else search.ParsedQuery("")
        date_from, from_text = parse_date(params.get("from", ""), "from")
        date_to, to_text = parse_date(params.get("to", ""), "to", end=True)
        if date_from and date_to and date_from > date_to:
            raise InvalidParameter("from", f"起始日期 {from_text} 晚于截止日期 {to_text}。")
        return cls(
            filters=filters,
            query=query,
            date_from=date_from,
            date_to=date_to,
            from_text=from_text,
            to_text=to_text,
            sort=cls.parse_sort(params.get("sort", ""), query),
            url_filter=url_filter,
            params=params,
        )

    @staticmethod
    def parse_sort(value, query):
        value = value.strip()
        if value and value not in SORTS:
            raise InvalidParameter("sort", "排序只能是 relevance（相关度）、newest 或 oldest。")
        if value == "relevance" or not value:
            return "relevance" if query else "newest"
        return value

    @property
    def searching(self):
        """A query was typed (it may hold nothing searchable, e.g. only punctuation)."""
        return bool(self.query.text)

    @property
    def narrowed(self):
        """Fewer than all the stories: a filter, a search or a period."""
        return bool(self.filters or self.searching or self.date_from or self.date_to)

    def only_filter(self):
        """(name, object) when the listing is one filter's stories and nothing else, else None."""
        if len(self.filters) != 1 or self.searching or self.date_from or self.date_to:
            return None
        return next(iter(self.filters.items()))

    @cached_property
    def _filtered(self):
        # Built once; each use takes a copy (.all()), free to be ordered or sliced.
        return Article.objects.filter_by(**self.filters).published_between(
            self.date_from, self.date_to
        )

    def filtered_articles(self):
        """The stories of the filters and the period, before any search."""
        return self._filtered.all()

    def matching_articles(self):
        """The stories listed, in no particular order and unranked: what facets count."""
        articles = self.filtered_articles()
        return articles.matching(self.query) if self.searching else articles

    def articles(self, within=None):
        """The stories listed, in the order asked for; `within`: how many will be read at
        most, if known (see ArticleQuerySet.search)."""
        articles = self.filtered_articles()
        if self.searching:
            if self.sort == "relevance":
                return articles.search(self.query, within=within)
            return articles.search_by_date(self.query, oldest=self.sort == "oldest")
        return self._in_order(articles)

    def articles_with_links_hashed(self, within, count):
        """The stories listed, as `articles()` lists them, the only filter's links hashed
        (ArticleQuerySet.of) if that finds the ids of the page ending at `within` sooner; else
        None. `count`: how many stories the listing has. A page's ids are found by walking
        the stories in order from the nearer end (counting.ArchivePaginator) and keeping the
        filter's, about depth × stories / count of them, each probed in the links' index
        unless the links are hashed first (see hashing_links_pays). On PostgreSQL only:
        SQLite's plans stay as they were."""
        only = self.only_filter()
        if within is None or only is None:
            return None
        if connections[self._filtered.db].vendor != "postgresql":
            return None
        depth = max(min(within, count - within + settings.ARCHIVE_PAGE_SIZE), 1)
        if not hashing_links_pays(count, depth, current_state().story_count):
            return None
        return self._in_order(Article.objects.of(only[1], hashed=True))

    def _in_order(self, articles):
        return articles.oldest_first() if self.sort == "oldest" else articles.latest_first()

    def url_with(self, **changes):
        """This listing's query string with parameters set (or removed, for None), back on
        its first page."""
        # As QueryDict.urlencode() writes them, without copying the QueryDict (deep) for each
        # of a page's facet values: a changed parameter moves to the end.
        kept = [
            (name, value)
            for name, values in self.params.lists()
            if name != "page" and name not in changes
            for value in values
        ]
        changed = [(name, value) for name, value in changes.items() if value is not None]
        return f"?{urlencode(kept + changed)}"

    def url_without(self, *names, path):
        url = self.url_with(**dict.fromkeys(names))
        return url if url != "?" else path


@dataclass
class Marks:
    """A story's fields as shown in a result, escaped, with <mark> around the query's words."""

    kicker: str
    headline: str
    subheadline: str
    snippet: str
    bylines: list  # (role, marked name, reporter) each
    tags: list  # (marked name, tag) each

    @property
    def tags_matched(self):
        return any("<mark>" in marked for marked, _ in self.tags)


def mark_matches(article, query):
    """`article`'s shown fields highlighted for a parsed query. Bylines and tags come from the
    prefetched lists (ArticleQuerySet.for_listing), so this runs no queries."""
    return Marks(
        kicker=search.highlight(article.kicker, query),
        headline=search.highlight(article.headline, query),
        subheadline=search.highlight(article.subheadline, query),
        snippet=search.snippet(article.body, query),
        bylines=[
            (b.role_label, search.highlight(b.reporter.name, query), b.reporter)
            for b in article.bylines.all()
        ],
        tags=[(search.highlight(tag.name, query), tag) for tag in article.tags.all()],
    )
