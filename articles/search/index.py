"""Writing the index: each story's text by weight, segmented, in the same transaction as the
change that called for it (see articles/signals.py)."""

import logging
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q, QuerySet

from .backends import SQLITE_COLUMNS, SQLITE_TABLE, quote_lexeme
from .lexicon import ensure_dictionary
from .text import normalize, positioned_words, tokenize

BATCH_SIZE = 500
# Stories reindexed at once when a dictionary entry changes, while the editor waits: about two
# seconds' work on PostgreSQL at 100,000 stories, where each story written costs ~4 ms, most of
# it the RUM index (migration 0016); it was 2,000 before that index, at ~1.2 ms a story.
MENTIONS_LIMIT = 500
# Which text goes in which weight: A is worth most (see backends for the ranking).
WEIGHTS = "ABCD"
# PostgreSQL keeps at most 256 positions of a word, at positions up to 16,383.
MAX_POSITIONS = 255
MAX_POSITION = 16383

logger = logging.getLogger(__name__)


@dataclass
class _Story:
    pk: int
    texts: dict  # weight letter → list of texts


def _load_stories(ids, apps):
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    stories = {
        pk: _Story(pk, {"A": [headline, kicker], "B": [subheadline], "C": [], "D": [body]})
        for pk, headline, kicker, subheadline, body in Article.objects.filter(
            pk__in=ids
        ).values_list("pk", "headline", "kicker", "subheadline", "body")
    }
    if not stories:
        return []
    for pk, name in (
        Byline.objects.filter(article_id__in=stories)
        .order_by("article_id", "order", "id")
        .values_list("article_id", "reporter__name")
    ):
        stories[pk].texts["C"].append(name)
    for pk, name in Article.districts.through.objects.filter(article_id__in=stories).values_list(
        "article_id", "region__name"
    ):
        stories[pk].texts["C"].append(name)
    content_type = _story_content_type(apps)
    if content_type is not None:
        for pk, name in TaggedItem.objects.filter(
            content_type=content_type, object_id__in=stories
        ).values_list("object_id", "tag__name"):
            stories[pk].texts["B"].append(name)
    return list(stories.values())


def _story_content_type(apps):
    if apps is global_apps:
        from articles.models import story_content_type

        return story_content_type()
    # A migration's historical models: the same row, without the model's helper.
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.filter(app_label="articles", model="article").first()


def tsvector_literal(texts, synonyms=None):
    """A weighted tsvector literal for texts by weight, positions in letters (see text.py).

    A word with `synonyms` (a dictionary entry's name and aliases) is indexed as each of them.
    """
    synonyms = synonyms or {}
    positions = {}
    base = 1
    for weight in WEIGHTS:
        for text in texts.get(weight, ()):
            words, letters = positioned_words(text or "")
            for word, offset in words:
                position = min(base + offset, MAX_POSITION)
                for form in (word, *synonyms.get(word, ())):
                    positions.setdefault(form, {}).setdefault(position, weight)
            # A gap between texts, so that a phrase never runs from one into the next.
            base += letters + 1
    entries = []
    for word, weights in positions.items():
        spots = ",".join(f"{p}{w}" for p, w in sorted(weights.items())[:MAX_POSITIONS])
        entries.append(f"{quote_lexeme(word)}:{spots}")
    return " ".join(entries)


def fts5_row(texts, synonyms=None):
    """The FTS5 columns for texts by weight: words of each weight (and their synonyms), then
    letters for phrases."""
    synonyms = synonyms or {}
    columns, letters = [], []
    for weight in WEIGHTS:
        words = []
        for text in texts.get(weight, ()):
            normalized = normalize(text or "")
            for word, _, _ in tokenize(normalized):
                words += (word, *synonyms.get(word, ()))
            # "sep" is never a single letter, so no phrase runs from one text into the next.
            letters += [*(char for char in normalized if char.isalnum()), "sep"]
        columns.append(" ".join(words))
    columns.append(" ".join(letters))
    return columns


def _write(connection, ids, stories, synonyms=None):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if stories:
                vectors = [tsvector_literal(s.texts, synonyms) for s in stories]
                cursor.execute(
                    "UPDATE articles_article AS a SET search_vector = v.vector::tsvector "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, vector) WHERE a.id = v.id",
                    [[s.pk for s in stories], vectors],
                )
            return
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({placeholders})", list(ids))
        if stories:
            columns = ", ".join(SQLITE_COLUMNS)
            cursor.executemany(
                f"INSERT INTO {SQLITE_TABLE} (rowid, {columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [(s.pk, *fts5_row(s.texts, synonyms)) for s in stories],
            )


def _batches(ids, size):
    batch = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def index_articles(
    articles, *, using="default", batch_size=BATCH_SIZE, progress=None, apps=global_apps
):
    """(Re)index stories: a QuerySet of articles or their ids. Returns how many were indexed.

    Batched: a few queries and one write per `batch_size` stories. Ids of deleted stories are
    dropped from the index. `progress(done)` is called after each batch.
    """
    if isinstance(articles, QuerySet):
        using = articles.db
        ids = articles.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=5000)
    else:
        ids = articles
    connection = connections[using]
    synonyms = ensure_dictionary(apps, using).synonyms
    done = 0
    for batch in _batches(ids, batch_size):
        stories = _load_stories(batch, apps)
        _write(connection, batch, stories, synonyms)
        done += len(stories)
        if progress:
            progress(done)
    return done


def index_mentions(forms, using=DEFAULT_DB_ALIAS, limit=MENTIONS_LIMIT):
    """Reindex the stories that print any of `forms` (a dictionary entry's name and aliases,
    old and new), newest first and at most `limit` of them; returns how many were found (more
    than `limit`: the rest wait for `rebuild_search_index`).

    Found by a plain text scan, not by the index: the index cut those stories' words without
    the new name (夏 / 文星), so it cannot find them by it.
    """
    from articles.models import Article

    forms = [form for form in dict.fromkeys(forms) if form]
    if not forms:
        return 0
    printed = Q()
    for form in forms:
        for field in ("headline", "kicker", "subheadline", "body"):
            printed |= Q(**{f"{field}__contains": form})
    ids = list(
        Article.objects.using(using)
        .filter(printed)
        .order_by("-published_on", "-pk")
        .values_list("pk", flat=True)[: limit + 1]
    )
    if len(ids) > limit:
        logger.warning(
            "%s: more than %d stories print it; run rebuild_search_index for the rest.",
            "、".join(forms),
            limit,
        )
    with transaction.atomic(using=using):
        index_articles(ids[:limit], using=using)
    return len(ids)


def unindex_articles(ids, using="default"):
    """Drop stories from the index; on PostgreSQL their vector went with their row."""
    connection = connections[using]
    ids = list(ids)
    if connection.vendor == "sqlite" and ids:
        _write(connection, ids, [])


# PostgreSQL's RUM indexes (migration 0016): a rewritten story leaves its old entries' space
# behind (5,500 stories reindexed grew the search vector's from 304 to 446 MB), which only a
# rebuild of the index gives back.
RUM_INDEXES = ("article_search_recency_idx", "article_title_recency_idx")


def compact_index(using="default"):
    """Rebuild PostgreSQL's RUM indexes after a bulk reindex, without blocking readers when
    outside a transaction (CONCURRENTLY cannot run inside one). Nothing on SQLite."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
    with connection.cursor() as cursor:
        for name in RUM_INDEXES:
            cursor.execute(f"REINDEX INDEX{concurrently} {name}")


def clear_index(using="default"):
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
        else:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
