"""Writing the index: each story's text by weight, segmented, in the same transaction as the
change that called for it (see articles/signals.py)."""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import connections
from django.db.models import QuerySet

from .backends import SQLITE_COLUMNS, SQLITE_TABLE, quote_lexeme
from .text import ensure_dictionary, normalize, positioned_words, tokenize

BATCH_SIZE = 500
# Which text goes in which weight: A is worth most (see backends for the ranking).
WEIGHTS = "ABCD"
# PostgreSQL keeps at most 256 positions of a word, at positions up to 16,383.
MAX_POSITIONS = 255
MAX_POSITION = 16383


@dataclass
class _Story:
    pk: int
    texts: dict  # weight letter → list of texts


def _load_stories(ids, apps):
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    ContentType = apps.get_model("contenttypes", "ContentType")
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
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is not None:
        for pk, name in TaggedItem.objects.filter(
            content_type=content_type, object_id__in=stories
        ).values_list("object_id", "tag__name"):
            stories[pk].texts["B"].append(name)
    return list(stories.values())


def tsvector_literal(texts):
    """A weighted tsvector literal for texts by weight, positions in letters (see text.py)."""
    positions = {}
    base = 1
    for weight in WEIGHTS:
        for text in texts.get(weight, ()):
            words, letters = positioned_words(text or "")
            for word, offset in words:
                positions.setdefault(word, {}).setdefault(min(base + offset, MAX_POSITION), weight)
            # A gap between texts, so that a phrase never runs from one into the next.
            base += letters + 1
    entries = []
    for word, weights in positions.items():
        spots = ",".join(f"{p}{w}" for p, w in sorted(weights.items())[:MAX_POSITIONS])
        entries.append(f"{quote_lexeme(word)}:{spots}")
    return " ".join(entries)


def fts5_row(texts):
    """The FTS5 columns for texts by weight: words of each weight, then letters for phrases."""
    columns, letters = [], []
    for weight in WEIGHTS:
        words = []
        for text in texts.get(weight, ()):
            normalized = normalize(text or "")
            words += [word for word, _, _ in tokenize(normalized)]
            # "sep" is never a single letter, so no phrase runs from one text into the next.
            letters += [*(char for char in normalized if char.isalnum()), "sep"]
        columns.append(" ".join(words))
    columns.append(" ".join(letters))
    return columns


def _write(connection, ids, stories):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if stories:
                cursor.execute(
                    "UPDATE articles_article AS a SET search_vector = v.vector::tsvector "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, vector) WHERE a.id = v.id",
                    [[s.pk for s in stories], [tsvector_literal(s.texts) for s in stories]],
                )
            return
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {SQLITE_TABLE} WHERE rowid IN ({placeholders})", list(ids))
        if stories:
            columns = ", ".join(SQLITE_COLUMNS)
            cursor.executemany(
                f"INSERT INTO {SQLITE_TABLE} (rowid, {columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [(s.pk, *fts5_row(s.texts)) for s in stories],
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
    ensure_dictionary(apps)
    done = 0
    for batch in _batches(ids, batch_size):
        stories = _load_stories(batch, apps)
        _write(connection, batch, stories)
        done += len(stories)
        if progress:
            progress(done)
    return done


def unindex_articles(ids, using="default"):
    """Drop stories from the index; on PostgreSQL their vector went with their row."""
    connection = connections[using]
    ids = list(ids)
    if connection.vendor == "sqlite" and ids:
        _write(connection, ids, [])


def clear_index(using="default"):
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
        else:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")
