"""Page counts without counting the archive on every request.

The number of all stories is kept by database triggers (articles/generation.py). A listing
narrowed by reporter, district, tag or period is counted once per counts generation and cached:
its count cannot change until that generation does, and the cache key says which one it was
counted at. (A text search is counted by search.count, never here: text is not what the counts
generation follows.) The directories' lists of reporters, districts and tags with their counts
are kept the same way (`counted`).
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
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
    key = f"counted:{name}:{current_state().counts_generation}"
    return cache.get_or_set(key, compute, COUNT_CACHE_SECONDS)


class ArchivePaginator(Paginator):
    """Counts as above, and reads deep pages cheaply. A page in the back half of a listing is
    read from the far end: the last page of 100,000 stories is the first twenty in the opposite
    order. A page deeper than DEEP stories from either end takes its ids first, from the
    ordering's index alone, then its stories by id: an OFFSET over whole rows reads every row
    it skips (350 ms in the middle of 100,000 stories, against 26 ms for the ids)."""

    DEEP = 1000

    exact = False  # whether `count` was counted here (a search sets its own, capped)

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            self.exact = True
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
        backwards = bottom > self.count // 2
        if backwards:
            rows, start, stop = rows.reverse(), self.count - top, self.count - bottom
        if start < self.DEEP:
            stories = list(rows[start:stop])
        else:
            ids = list(rows.values_list("pk", flat=True)[start:stop])
            found = rows.in_bulk(ids)
            stories = [found[pk] for pk in ids if pk in found]
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
