"""The archive's generation: one number that every committed change to what readers see moves.

Cached pages, ETags and cached counts are labelled with the generation they were made at; a
label that is no longer current is stale. The number lives in the database, in a one-row table,
because that is the one place every process sees (each gunicorn worker has its own local-memory
cache, and Redis is optional). Database triggers (migration 0009) bump it in the same
transaction as the change, so it moves exactly when the change commits, whoever wrote it: the
admin, `import_page`, `loaddata`, a version restore, a reporter merge, `generate_corpus`'s bulk
inserts, a queryset `update()`, even `psql`. The same triggers keep `story_count`, the number
of stories, so that no page has to count the whole table.

Beside it, `counts_generation` moves only when a count of stories per reporter, district, tag,
period or printed page can change: a story added, deleted, redated or moved to another page, a
byline, district or tag added or removed, a reporter, region, tag, edition or page changed
(migration 0012). Correcting a headline or a body moves the generation but not this, so the
sidebar's and the directories' counts, and filtered listings' counts, survive the edits editors
make most; anything that shows text stays labelled with the generation.

A request reads the row once (`SELECT generation, story_count … WHERE id = 1`, a primary-key
lookup on a one-row table: about as cheap as `/healthz`'s `SELECT 1`) and keeps it for the rest
of the request in a context variable. The same query reads the search dictionary's version (the
one row of `DictionaryVersion`, see `search.lexicon`), which a search page would otherwise ask
for on its own to know whether the segmenter's names are current.
"""

import contextvars
import time

from django.db import connections, models, router

ROW_ID = 1
_current = contextvars.ContextVar("archive_state", default=None)


class ArchiveState(models.Model):
    """The single row (id 1) that triggers keep current; never edited by hand."""

    generation = models.BigIntegerField("版本号", default=0)
    story_count = models.BigIntegerField("稿件数", default=0)
    counts_generation = models.BigIntegerField("计数版本号", default=0)

    class Meta:
        app_label = "articles"
        verbose_name = "档案版本"
        verbose_name_plural = "档案版本"

    # Not a field: the search dictionary's version token read with the row (read_state), or
    # None when not read.
    dictionary_version = None

    def __str__(self):
        return f"第 {self.generation} 版，{self.story_count} 篇稿件"


READ_SQL = (
    "SELECT state.generation, state.story_count, state.counts_generation, version.token"
    " FROM articles_archivestate state"
    " LEFT JOIN articles_dictionaryversion version ON version.id = %s"
    " WHERE state.id = %s"
)


def read_state(using=None):
    """The current row, read now. Recreated if something emptied the table (Django's `flush`
    truncates every table): the generation then starts from the clock, above any number that
    can have labelled a cached page before, and the story count is counted once."""
    using = using or router.db_for_read(ArchiveState)
    # Plain SQL: on every request, compiling the ORM query would cost more than running it.
    with connections[using].cursor() as cursor:
        cursor.execute(READ_SQL, [ROW_ID, ROW_ID])
        row = cursor.fetchone()
    if row is not None:
        state = ArchiveState(
            pk=ROW_ID, generation=row[0], story_count=row[1], counts_generation=row[2]
        )
        state.dictionary_version = row[3]
        return state
    from .models import Article

    state, _ = ArchiveState.objects.using(router.db_for_write(ArchiveState)).get_or_create(
        pk=ROW_ID,
        defaults={
            "generation": time.time_ns() // 1000,
            "counts_generation": time.time_ns() // 1000,
            "story_count": Article.objects.using(using).count(),
        },
    )
    return state


def current_state():
    """This request's state (read once per request), or a fresh read outside a request."""
    state = _current.get()
    return state if state is not None else read_state()


def request_state():
    """This request's state if a request is reading one (a reader's page), else None."""
    return _current.get()


def remember_for_request(state):
    """Keep `state` as this request's; returns the token that `forget_for_request` takes."""
    return _current.set(state)


def forget_for_request(token):
    _current.reset(token)


def archive_generation(request):
    """Context processor: `archive_generation` and `counts_generation`, for fragment caches
    that must follow edits in every process (`{% cache … sidebar counts_generation %}`). Lazy:
    read only if used."""
    from django.utils.functional import SimpleLazyObject

    return {
        "archive_generation": SimpleLazyObject(lambda: current_state().generation),
        "counts_generation": SimpleLazyObject(lambda: current_state().counts_generation),
    }
