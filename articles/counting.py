"""Page counts without counting the archive on every request.

The number of all stories is kept by database triggers (articles/generation.py). A listing
narrowed by reporter, district, tag or period is counted once per counts generation and cached:
its count cannot change until that generation does, and the cache key says which one it was
counted at. (A text search is counted by search.count, never here: text is not what the counts
generation follows.) The directories' lists of reporters, districts and tags with their counts
are kept the same way (`counted`), and a listing of one filter reads its count from them when
they are already counted (`directory_count`).
"""

import datetime
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import ExtractYear
from django.utils.functional import cached_property

from .generation import current_state

COUNT_CACHE_SECONDS = 24 * 60 * 60


def is_whole_archive(queryset):
    from .models import Article

    query = queryset.query
    return (
        queryset.model is Article
        and not query.where
        and not query.combinator
        and not query.low_mark
        and query.high_mark is None
    )


def archive_count(queryset):
    """How many rows `queryset` holds, without a COUNT(*) of the whole table."""
    state = current_state()
    if is_whole_archive(queryset):
        return state.story_count
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0
    digest = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    key = f"count:{state.counts_generation}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def counted(name, compute):
    """`compute()`, computed once per counts generation (in every process that shares the
    cache) and kept until that generation moves on."""
    return cache.get_or_set(counted_key(name), compute, COUNT_CACHE_SECONDS)


def counted_key(name):
    return f"counted:{name}:{current_state().counts_generation}"


def reporters_with_counts():
    """The reporters with stories, each with `story_count`, by slug (the reporters' directory)."""
    from .models import Reporter

    return counted(
        "reporters",
        lambda: list(
            Reporter.objects.with_story_counts().filter(story_count__gt=0).order_by("slug")
        ),
    )


def regions_with_counts():
    """Every region with `story_count`, a city counting its districts' (the districts'
    directory and the sidebar)."""
    from .models import Region

    return counted(
        "districts", lambda: list(Region.objects.select_related("parent").with_story_counts())
    )


def tags_with_counts():
    """The tags of stories with `num_times`, most used first (the tags' directory and the
    sidebar's first twenty)."""
    return tags_and_years()[0]


def tags_and_years():
    """The tags of stories with `num_times`, most used first, and the years with stories,
    newest first (date objects, as QuerySet.dates gives them): the sidebar's lists besides the
    regions', read in one query and kept per counts generation like the others."""
    keys = {"tags": counted_key("tags"), "years": counted_key("years")}
    found = cache.get_many(keys.values())
    if len(found) < len(keys):
        tags, years = count_tags_and_years()
        found = {keys["tags"]: tags, keys["years"]: years}
        cache.set_many(found, COUNT_CACHE_SECONDS)
    return found[keys["tags"]], found[keys["years"]]


def count_tags_and_years():
    from taggit.models import Tag, TaggedItem

    from .models import Article, story_content_type

    tagged = TaggedItem.objects.filter(content_type=story_content_type()).order_by()
    tags = tagged.values_list(Value("tag"), "tag_id", "tag__name", "tag__slug").annotate(
        n=Count("id")
    )
    dated = Article.objects.filter(published_on__isnull=False).order_by()
    years = dated.values_list(
        Value("year"), ExtractYear("published_on"), Value(""), Value(""), Value(0)
    ).distinct()
    found_tags, found_years = [], []
    for kind, number, name, slug, n in tags.union(years, all=True):
        if kind == "year":
            found_years.append(datetime.date(int(number), 1, 1))
            continue
        tag = Tag.from_db(tags.db, ["id", "name", "slug"], [number, name, slug])
        tag.num_times = n
        found_tags.append(tag)
    found_tags.sort(key=lambda tag: (-tag.num_times, tag.name))
    return found_tags, sorted(found_years, reverse=True)


# A filter's kind → the name its directory's list is counted under, and its count's attribute.
DIRECTORIES = {"reporter": ("reporters", "story_count"), "district": ("districts", "story_count")}
DIRECTORIES["tag"] = ("tags", "num_times")


def directory_count(kind, obj):
    """How many stories one reporter, region or tag has: what a listing of that one filter
    counts. Read from its directory's list when some page has already counted that list at
    the current counts generation (the sidebar counts the regions' and the tags'); else its
    links counted alone (no story read: a third of the time of counting the listing), kept
    per counts generation like a listing's count."""
    from .models import story_links

    name, attribute = DIRECTORIES[kind]
    rows = cache.get(counted_key(name))
    if rows is not None:
        # The reporters' and tags' lists leave out those without stories.
        return next((getattr(row, attribute) for row in rows if row.pk == obj.pk), 0)
    return counted(f"{kind}:{obj.pk}", lambda: story_links(obj).distinct().count())


class ArchivePaginator(Paginator):
    """Counts as above, and reads any page cheaply. A page in the back half of a listing is
    read from the far end: the last page of 100,000 stories is the first twenty in the opposite
    order. A page takes its ids first, in a subquery the database can answer from the
    ordering's index alone, then its stories by id: an OFFSET over whole rows reads every row
    it skips (350 ms in the middle of 100,000 stories, against 4 ms this way), and a filtered
    listing walks the index past the stories it leaves out, not their rows (a reporter's first
    page: 52 → 22 ms with nothing cached, at 100,000 stories on PostgreSQL)."""

    exact = False  # whether `count` was counted here (a search sets its own, capped)

    def __init__(self, *args, known_count=None, ids_from=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count  # the exact number of the listing, already known
        # The same stories in the same order, written so that a page's ids are found sooner
        # (ListingParams.articles_with_links_hashed); the stories are still read from the
        # listing itself, whose filter the planner can estimate.
        self.ids_from = ids_from

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            self.exact = True
            if self.known_count is not None:
                return self.known_count
            return archive_count(self.object_list)
        return super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if not self.is_exact_queryset():
            return super().page(number)
        rows, start, stop = self.object_list, bottom, top
        ids = self.ids_from if self.ids_from is not None else rows
        backwards = bottom > self.count // 2
        if backwards:
            rows, ids = rows.reverse(), ids.reverse()
            start, stop = self.count - top, self.count - bottom
        stories = list(rows.filter(pk__in=ids.values("pk")[start:stop]))
        return self._get_page(stories[::-1] if backwards else stories, number, self)

    def is_exact_queryset(self):
        """Whether the listing is a queryset counted exactly here, ordered to the primary key
        (so that reversing its order reverses the list exactly)."""
        queryset = self.object_list
        return (
            self.exact
            and isinstance(queryset, QuerySet)
            and not queryset.query.combinator
            and queryset.query.order_by[-1:] in (("id",), ("-id",), ("pk",), ("-pk",))
        )
