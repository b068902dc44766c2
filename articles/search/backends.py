"""The SQL of searching, per database: which stories match, how they rank, how many there are.

- PostgreSQL: a weighted ``tsvector`` in ``Article.search_vector`` with a GIN index, queried
  with a ``tsquery`` literal so that no text search parser or dictionary touches the words.
- SQLite: the FTS5 table ``articles_search``, one column per weight, ranked with bm25.
"""

import json
from typing import NamedTuple

from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, Value

from .query import parse_query

# Ranking every match of a word found in nearly every story costs most of a second at 100,000
# stories (see NOTES.md); only the newest CANDIDATES matches are ranked, which keeps a common word
# as fast as a rare one. Readers are told when a search reaches this many.
CANDIDATES = 1000

# bm25 weights for the SQLite columns follow ts_rank's defaults for D, C, B, A (0.1, 0.2, 0.4,
# 1.0); the `chars` column only checks phrases.
SQLITE_TABLE = "articles_search"
SQLITE_COLUMNS = ("title", "subtitle", "people", "body", "chars")
SQLITE_BM25 = "bm25(articles_search, 10.0, 4.0, 2.0, 1.0, 0.0)"
SQLITE_WORD_COLUMNS = "{title subtitle people body}"


class ResultCount(NamedTuple):
    """How many stories match, and whether that is the planner's estimate."""

    number: int
    estimated: bool = False


def quote_lexeme(word):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def quote_fts5(text):
    return '"' + text.replace('"', '""') + '"'


def _dedupe_overlaps(phrase):
    """A phrase's words, without words that start inside the previous one."""
    end = -1
    for word, offset in phrase:
        if offset >= end:
            yield word, offset
            end = offset + len(word)


def tsquery(parsed):
    """The query as a PostgreSQL tsquery literal: words AND-ed, phrases with distances."""
    parts = [quote_lexeme(word) for word in parsed.words]
    for phrase in parsed.phrases:
        text = quote_lexeme(phrase[0][0])
        for (_, previous), (word, offset) in zip(phrase, phrase[1:], strict=False):
            text += f" <{offset - previous}> {quote_lexeme(word)}"
        parts.append(f"( {text} )")
    return " & ".join(parts)


def fts5_query(parsed):
    """The query as an SQLite FTS5 expression; every word is a quoted string."""
    words = list(parsed.words) + [word for phrase in parsed.phrases for word, _ in phrase]
    parts = [f"{SQLITE_WORD_COLUMNS} : {quote_fts5(word)}" for word in dict.fromkeys(words)]
    for phrase in parsed.phrases:
        chars = " ".join("".join(word for word, _ in _dedupe_overlaps(phrase)))
        parts.append(f"chars : {quote_fts5(chars)}")
    return " AND ".join(parts)


class _SQL(Func):
    """A bit of SQL around compiled expressions: `template` has one %s per expression."""

    def __init__(self, template, *expressions, output_field):
        super().__init__(*expressions, output_field=output_field)
        self.sql_template = template

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return self.sql_template % tuple(parts), params


def match_and_rank(parsed, vendor):
    """Two expressions for `parsed`: whether a story matches, and its rank (higher is better)."""
    if vendor == "postgresql":
        query = Value(tsquery(parsed))
        match = _SQL("%s @@ (%s)::tsquery", F("search_vector"), query, output_field=BooleanField())
        rank = _SQL(
            "ts_rank(%s, (%s)::tsquery)", F("search_vector"), query, output_field=FloatField()
        )
    else:
        expression = Value(fts5_query(parsed))
        match = _SQL(
            f"%s IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)",
            F("pk"),
            expression,
            output_field=BooleanField(),
        )
        # bm25 is lower for better matches; negated so that both databases sort rank descending.
        rank = _SQL(
            f"(SELECT -{SQLITE_BM25} FROM {SQLITE_TABLE} "
            f"WHERE {SQLITE_TABLE} MATCH %s AND rowid = %s)",
            expression,
            F("pk"),
            output_field=FloatField(),
        )
    return match, rank


def search(queryset, query):
    """`queryset` narrowed to stories matching `query`, best first (see ArticleQuerySet.search).

    Only the newest CANDIDATES matches of `queryset` are ranked: apply filters before searching
    so that they narrow the candidates rather than the ranked few.
    """
    parsed = parse_query(query)
    if not parsed:
        return queryset.none()
    match, rank = match_and_rank(parsed, connections[queryset.db].vendor)
    matching = queryset.filter(match)
    if matching.query.distinct:
        # DISTINCT would need the ORDER BY columns in the subquery's select list.
        matching = queryset.model._default_manager.filter(pk__in=matching.values("pk"))
    candidates = matching.order_by("-published_on", "-pk").values("pk")[:CANDIDATES]
    return (
        queryset.filter(pk__in=candidates)
        .defer("search_vector")  # kilobytes a story, needed by the database only
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-published_on", "-pk")
    )


def matching(queryset, query):
    """`queryset` narrowed to stories matching `query`, unranked (see ArticleQuerySet.matching)."""
    parsed = parse_query(query)
    if not parsed:
        return queryset.none()
    match, _ = match_and_rank(parsed, connections[queryset.db].vendor)
    return queryset.filter(match)


def count(queryset, query):
    """How many stories in `queryset` match `query`, as a ResultCount.

    Exact on SQLite, and on PostgreSQL up to CANDIDATES; beyond that the planner's estimate (an
    exact count of a common word costs as much as ranking it), never less than CANDIDATES.
    """
    parsed = parse_query(query)
    if not parsed:
        return ResultCount(0)
    connection = connections[queryset.db]
    match, _ = match_and_rank(parsed, connection.vendor)
    matching = queryset.filter(match)
    if connection.vendor != "postgresql":
        return ResultCount(matching.count())
    bounded = matching.order_by().values("pk")[: CANDIDATES + 1].count()
    if bounded <= CANDIDATES:
        return ResultCount(bounded)
    return ResultCount(max(_planner_estimate(matching), CANDIDATES + 1), estimated=True)


def _planner_estimate(queryset):
    connection = connections[queryset.db]
    sql, params = queryset.values("pk").query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
