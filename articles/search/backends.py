"""The SQL of searching, per database: which stories match, how they rank, how many there are.

- PostgreSQL: a weighted ``tsvector`` in ``Article.search_vector`` with a GIN index, queried
  with a ``tsquery`` literal so that no text search parser or dictionary touches the words;
  beside it ``title_vector``, the headline and kicker's part of it (a column the database
  generates, migration 0010, with its own small index: RUM since migration 0016).
- SQLite: the FTS5 table ``articles_search``, one column per weight, ranked with bm25.

The order, on both: stories whose headline or kicker holds the query come first, found across
the whole archive however common the word; then the other matches, best first. A story's
``search_rank`` says so: 1 or more for a headline match, under 1 for the others.
"""

import json
from typing import NamedTuple

from django.contrib.postgres.search import SearchVectorField
from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast

from .. import background
from ..counting import is_whole_archive
from ..generation import current_state
from .query import parse_query

# Ranking every match of a word found in nearly every story costs most of a second at 100,000
# stories (see NOTES.md). On PostgreSQL the results are the newest CANDIDATES headline matches
# and the newest CANDIDATES matches of any kind, headline matches first: a search pages through
# at most CANDIDATES stories, and readers are told when there are more. (It was 1,000: ranking
# each candidate reads its search vector from out-of-line storage, and with PostgreSQL's cache
# holding other pages, as on a first request, that is most of a search's SQL; at 500 the
# search's p95 at 100,000 stories went from 52–60 to 45–55 ms, see the README.)
CANDIDATES = 500
# Above this many expected matches (of a query of several words, without phrases) the planner's
# estimate is the count, unchecked: checking costs as much as the page. Fewer expected, and a
# count stops at CANDIDATES + 1.
TRUSTED_ESTIMATE = 10_000
# A single word's estimate is trusted above TRUSTED_WORD_ESTIMATE, if above twice what
# PostgreSQL guesses for a word its statistics do not list (at most UNKNOWN_WORD_SHARE of the
# stories, DEFAULT_TS_MATCH_SEL): an estimate above that comes from counting the word in a
# sample: within 3% of the count for each of `make bench`'s words at 100,000 stories, where an
# unlisted word is guessed at 500 (龙骨 has 70). (Several words are multiplied as if
# independent: a pair that never meets could be estimated at thousands.)
TRUSTED_WORD_ESTIMATE = 2_000
UNKNOWN_WORD_SHARE = 0.005
# A word expected in under this share of the stories searched has its newest matches read in
# order from a RUM index that holds each match's recency (migration 0016); a commoner one's by
# walking the date index, testing each story's search vector, kept in its row (migration 0017).
# Measured at 100,004 stories (`make bench`'s words, the newest 501, warm): the walk tests 501 /
# share stories, 12.5–14.7 ms at 7–10%, 8.9 at 16%, 4.2–7.3 at 28–35%, 1.4–2.7 from 50% up;
# the RUM index reads every match's entry, not its row: 4.9–6.5 ms at 7–10%, 9 at 16%,
# 10.4–13.4 at 28–35%, 22–53 from 65% up. They cross near 16%. (With the vectors out of line,
# before migration 0017, each story tested cost three or four more page reads and the line
# was at 40%.)
RARE_SHARE = 0.15
# The same line for a phrase or several words, higher: their estimate is a guess (the words'
# shares multiplied as if independent; a phrase's, its words' anywhere), and a walk that
# guessed too high tests many stories for each match. Measured so: "排查见底", expected in 23%
# and found in 26%, walked 5.4 ms against 16.6 from the index; "一把手观照", expected in 15% and
# found in 1.2%, walked 135 ms against 45.
RARE_SHARE_GUESSED = 0.2
# A single word expected in the headlines of this share of the stories searched or more has its
# newest headline matches found by walking the stories newest first in an index that holds
# each headline's vector (migration 0018), testing each; the RUM index reads every headline
# match's entry first. Measured at 100,004 stories (the newest 500, warm): 湖州 (in 40% of the
# headlines) 0.4 ms walked against 11 from the RUM index; 会议 (10%) 1.7 against 5; 政法
# (3.8%) 2.8 against 3; 工作 (2%) 5.5 against 2.8. Only for a single word, whose estimate the
# statistics make close: several words' are multiplied as if independent, and a walk for words
# that never meet would test every story.
COMMON_HEADLINE_SHARE = 0.04

# bm25 weights for the SQLite columns follow ts_rank's defaults for D, C, B, A (0.1, 0.2, 0.4,
# 1.0); the `chars` column only checks phrases.
SQLITE_TABLE = "articles_search"
SQLITE_COLUMNS = ("title", "subtitle", "people", "body", "chars")
SQLITE_BM25 = "bm25(articles_search, 10.0, 4.0, 2.0, 1.0, 0.0)"
SQLITE_WORD_COLUMNS = "{title subtitle people body}"
# Columns the database generates on PostgreSQL (not model fields: Django never writes them):
# the headline and kicker's words, written whenever the search vector is (migration 0010), and
# a story's recency, its date and id in one number that sorts as (published_on, id) does
# (migration 0016).
TITLE_VECTOR = "title_vector"
RECENCY = "recency"
# Beyond every recency: a RUM index orders by distance from a constant, as a double (exact
# below 2**53, which recency stays under).
LATEST = 2**53


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


def _all_words(parsed):
    words = list(parsed.words) + [word for phrase in parsed.phrases for word, _ in phrase]
    return list(dict.fromkeys(words))


def fts5_query(parsed):
    """The query as an SQLite FTS5 expression; every word is a quoted string."""
    parts = [f"{SQLITE_WORD_COLUMNS} : {quote_fts5(word)}" for word in _all_words(parsed)]
    for phrase in parsed.phrases:
        chars = " ".join("".join(word for word, _ in _dedupe_overlaps(phrase)))
        parts.append(f"chars : {quote_fts5(chars)}")
    return " AND ".join(parts)


def fts5_title_query(parsed):
    """Every word of the query in the headline or kicker (a phrase's words, not their order:
    the `chars` column that checks order holds all of a story's text)."""
    return " AND ".join(f"title : {quote_fts5(word)}" for word in _all_words(parsed))


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


class _GeneratedColumn(Expression):
    """A column of the story table that the database generates, under whatever alias the
    table has (a search may become a subquery)."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def resolve_expression(self, query=None, *args, **kwargs):
        field = self.output_field.clone()
        field.set_attributes_from_name(self.name)
        field.model = query.model
        return Col(query.get_initial_alias(), field)


def _title_vector():
    return _GeneratedColumn(TITLE_VECTOR, SearchVectorField(null=True))


def _newest_by_index():
    """Newest first, as a RUM index on a vector and `recency` reads its matches: in order of
    distance from LATEST, so that the newest are found without reading the others' rows."""
    recency = _GeneratedColumn(RECENCY, BigIntegerField(null=True))
    latest = Cast(Value(LATEST), BigIntegerField())
    return _SQL("%s <=| %s", recency, latest, output_field=BigIntegerField()).asc()


def match_and_rank(parsed, vendor):
    """Two expressions for `parsed`: whether a story matches, and its rank (higher is better;
    1 or more when the headline or kicker holds the query)."""
    if vendor == "postgresql":
        query = Value(tsquery(parsed))
        match = _SQL("%s @@ (%s)::tsquery", F("search_vector"), query, output_field=BooleanField())
        # The headline test reads the small inline title vector first, so that only the other
        # matches unpack their search vector (kilobytes each, stored out of line) to be ranked.
        rank = Case(
            When(
                _title_match(query),
                then=_SQL(
                    "1 + ts_rank(%s, (%s)::tsquery, 32)",
                    _title_vector(),
                    query,
                    output_field=FloatField(),
                ),
            ),
            default=_SQL(
                "ts_rank(%s, (%s)::tsquery, 32)",
                F("search_vector"),
                query,
                output_field=FloatField(),
            ),
            output_field=FloatField(),
        )
        return match, rank
    expression = Value(fts5_query(parsed))
    match = _SQL(
        f"%s IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)",
        F("pk"),
        expression,
        output_field=BooleanField(),
    )
    in_title = _SQL(
        f"%s IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)",
        F("pk"),
        Value(fts5_title_query(parsed)),
        output_field=FloatField(),
    )
    # bm25 is lower for better matches: negated, then squashed into [0, 1). The subquery runs
    # the MATCH once for all rows: LIMIT -1 keeps SQLite from folding it into a MATCH per row
    # (it becomes a co-routine with an automatic index on id), so ranking costs one pass over
    # the index whatever the number of matches.
    relevance = _SQL(
        f"(SELECT max(m.r, 0) / (1 + max(m.r, 0)) FROM (SELECT rowid AS id, -{SQLITE_BM25} AS r "
        f"FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s LIMIT -1) AS m WHERE m.id = %s)",
        expression,
        F("pk"),
        output_field=FloatField(),
    )
    return match, _SQL("(%s + %s)", in_title, relevance, output_field=FloatField())


def _title_match(query):
    return _SQL("%s @@ (%s)::tsquery", _title_vector(), query, output_field=BooleanField())


def search(queryset, query, *, within=None):
    """`queryset` narrowed to stories matching `query`, best first (see ArticleQuerySet.search).

    Headline and kicker matches come first, then the others by rank. On PostgreSQL the
    candidates are the newest CANDIDATES headline matches and the newest CANDIDATES matches:
    apply filters before searching so that they narrow the candidates, not the ranked few.
    `within`: how many results will be read at most (a page's end), if known; when there are
    that many headline matches, the other matches are neither looked for nor ranked.
    """
    parsed = parse_query(query)
    if not parsed:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    match, rank = match_and_rank(parsed, vendor)
    matching = queryset.filter(match)
    if vendor == "postgresql":
        matching = _postgresql_candidates(queryset, parsed, match, within)
    return (
        matching.defer("search_vector")  # kilobytes a story, needed by the database only
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


def _postgresql_candidates(queryset, parsed, match, within=None):
    """`queryset`'s newest headline matches and newest matches, CANDIDATES of each; with
    `within`, the other matches only if the headline matches are fewer than that."""
    source = queryset
    if queryset.query.distinct:
        # DISTINCT would need the ORDER BY columns in the subquery's select list.
        source = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    in_title = _title_match(Value(tsquery(parsed)))
    in_headlines = source.filter(in_title).values("pk")
    matching = source.filter(match)
    found = _found_matches(matching)
    _ask_planner(source, parsed, matching, in_headlines)
    headlines = in_headlines.order_by(*_newest_headlines_order(in_headlines, source, parsed))
    if found is not None:
        # Counting them found them already (see _match_ids): not walked a second time.
        found_headlines = _found_headlines(in_headlines)
        if found_headlines is not None:
            return queryset.filter(_id_in(dict.fromkeys([*found_headlines, *found[:CANDIDATES]])))
        matches = source.model._default_manager.filter(_id_in(found[:CANDIDATES])).order_by()
        return queryset.filter(pk__in=headlines[:CANDIDATES].union(matches.values("pk")))
    newest = _newest_order(matching, source, parsed)
    if within is not None and within <= CANDIDATES:
        # Headline matches rank first: if `within` of them exist, the first `within` results
        # are all headline matches. PostgreSQL tests this once, before walking or ranking the
        # other matches (for a common word, most of a first page's cost). Any `within` of
        # them will do: unordered, the first found.
        matching = matching.filter(
            _SQL(
                "(SELECT count(*) FROM %s AS first_headlines) < %s",
                Subquery(in_headlines.order_by()[:within]),
                Value(within),
                output_field=BooleanField(),
            )
        )
    matches = matching.order_by(*newest).values("pk")[:CANDIDATES]
    # One IN over a UNION, so that the stories are fetched by id (an OR of two INs would scan
    # the whole table).
    return queryset.filter(pk__in=headlines[:CANDIDATES].union(matches))


def count(queryset, query):
    """How many stories in `queryset` match `query`, as a ResultCount.

    Exact on SQLite. On PostgreSQL: the planner's estimate when it is trusted (see
    TRUSTED_ESTIMATE and UNKNOWN_WORD_SHARE; said to be an estimate); otherwise counted, up to
    CANDIDATES, and beyond that the estimate again, never under CANDIDATES + 1.
    """
    parsed = parse_query(query)
    if not parsed:
        return ResultCount(0)
    vendor = connections[queryset.db].vendor
    match, _ = match_and_rank(parsed, vendor)
    matching = queryset.filter(match)
    if vendor == "postgresql":
        # With what the search that follows will ask: one EXPLAIN for the request.
        in_headlines = queryset.filter(_title_match(Value(tsquery(parsed))))
        _ask_planner(queryset, parsed, matching, in_headlines)
        if not _trusted(_planner_estimate(matching), parsed, queryset):
            _begin_newest_headlines(in_headlines.values("pk"), queryset, parsed)
    return _count(queryset, matching, parsed)


def count_in_headlines(queryset, query):
    """How many stories in `queryset` have `query` in the headline or kicker, as count() does."""
    parsed = parse_query(query)
    if not parsed:
        return ResultCount(0)
    if connections[queryset.db].vendor == "postgresql":
        in_title = _title_match(Value(tsquery(parsed)))
    else:
        in_title = _SQL(
            f"%s IN (SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s)",
            F("pk"),
            Value(fts5_title_query(parsed)),
            output_field=BooleanField(),
        )
    return _count(queryset, queryset.filter(in_title), parsed)


def _count(queryset, matching, parsed):
    if connections[matching.db].vendor != "postgresql":
        return ResultCount(matching.count())
    estimate = _planner_estimate(matching)
    if _trusted(estimate, parsed, queryset):
        return ResultCount(estimate, estimated=True)
    bounded = len(_match_ids(matching, queryset, parsed))
    if bounded <= CANDIDATES:
        return ResultCount(bounded)
    return ResultCount(max(estimate, CANDIDATES + 1), estimated=True)


def _newest_order(matching, source, parsed):
    """The newest first, by reading them in order from the RUM index or, for a query expected
    in RARE_SHARE of `source` or more (RARE_SHARE_GUESSED for a phrase or several words), by
    walking the date index (testing each story)."""
    share = RARE_SHARE if _single_word(parsed) else RARE_SHARE_GUESSED
    if _planner_estimate(matching) < share * _planner_estimate(source):
        return (_newest_by_index(),)
    return ("-published_on", "-pk")


def _newest_headlines_order(in_headlines, source, parsed):
    """The newest headline matches first, read in order from the RUM index on the headlines'
    vectors or, for a single word expected in COMMON_HEADLINE_SHARE of `source`'s headlines
    or more, by walking the date index."""
    if _single_word(parsed):
        common = COMMON_HEADLINE_SHARE * _planner_estimate(source)
        if _planner_estimate(in_headlines) >= common:
            return ("-published_on", "-pk")
    return (_newest_by_index(),)


def _ask_planner(source, parsed, matching, in_headlines):
    """Ask the planner at once (one EXPLAIN, kept for the request) for every estimate a search
    of `source` may need: its matches (a count, and how to find the newest), the stories
    searched (their share) and, for a single word, its headline matches (how to find the
    newest of those). The count and the candidates both call this; the second asks nothing."""
    _planner_estimates(matching, source, *([in_headlines] if _single_word(parsed) else []))


def _single_word(parsed):
    return len(parsed.words) == 1 and not parsed.phrases


def _match_ids(matching, source, parsed):
    """The ids of up to CANDIDATES + 1 stories of `matching`: the count of a search whose
    estimate does not stand. The newest, when choosing how to find them costs no query (in
    the whole archive, whose size is known); else any, and usable as candidates only if they
    are all there are. Kept on the request's state, so that the search's candidates are these
    and the stories are walked once, not once to count and again to rank (a phrase's walk
    tests each story's vector: 20–40 ms)."""
    newest = is_whole_archive(source)
    order = _newest_order(matching, source, parsed) if newest else ()
    ids = list(matching.order_by(*order).values_list("pk", flat=True)[: CANDIDATES + 1])
    if newest or len(ids) <= CANDIDATES:
        _request_memo("found_matches")[_sql_key(matching)] = ids
    return ids


def _begin_newest_headlines(in_headlines, source, parsed):
    """Begins finding the newest CANDIDATES headline matches in the background thread, while
    this one counts the matches (_match_ids): the search's candidates are then both lists of
    ids, and its query reads neither index (a phrase's headline matches: 5–6 ms at 100,000
    stories). Only for the whole archive, whose count always keeps the ids it walks: a
    filtered count keeps them only if they are all there are, and the lookup would be wasted
    work that the facets, begun next in the same thread, wait behind. Not inside a
    transaction: the search's own query finds them then, as another connection would not see
    its uncommitted rows."""
    if not is_whole_archive(source) or background.in_transaction():
        return
    order = _newest_headlines_order(in_headlines, source, parsed)
    newest = in_headlines.order_by(*order).values_list("pk", flat=True)[:CANDIDATES]
    _request_memo("found_headlines")[_sql_key(in_headlines)] = background.begin(list, newest)


def _found_headlines(in_headlines):
    """The newest CANDIDATES headline matches if _begin_newest_headlines began finding them in
    this request (waiting for them if need be), else None."""
    found = _request_memo("found_headlines").get(_sql_key(in_headlines))
    return None if found is None else found.result()


def _id_in(ids):
    """Whether a story's id is one of `ids`, sent as one array literal: as parameters, or as
    an array of them, each id was prepared and quoted on its own (0.5 ms more for 500)."""
    array = Value("{" + ",".join(str(int(pk)) for pk in ids) + "}")
    return _SQL("%s = ANY(CAST(%s AS bigint[]))", F("pk"), array, output_field=BooleanField())


def _found_matches(matching):
    """The newest CANDIDATES + 1 of `matching` (or all of them, if fewer) if _match_ids found
    them in this request already, else None."""
    return _request_memo("found_matches").get(_sql_key(matching))


def _trusted(estimate, parsed, queryset):
    """Whether the planner's estimate of `parsed`'s matches in `queryset` stands unchecked."""
    if parsed.phrases:
        return False
    if len(parsed.words) > 1:
        return estimate > TRUSTED_ESTIMATE
    if estimate <= TRUSTED_WORD_ESTIMATE:
        return False
    return estimate > 2 * UNKNOWN_WORD_SHARE * _planner_estimate(queryset)


def _planner_estimate(queryset):
    """How many rows the planner expects `queryset` to hold (see _planner_estimates)."""
    return _planner_estimates(queryset)[0]


def _planner_estimates(*querysets):
    """How many rows the planner expects each of `querysets` to hold; the whole archive's is
    known. Asked once per request (a search's count and its candidates ask alike), and those
    not asked yet in one EXPLAIN."""
    keys = [None if is_whole_archive(queryset) else _sql_key(queryset) for queryset in querysets]
    estimates = _request_memo("planner_estimates")
    missing = list(dict.fromkeys(key for key in keys if key and key not in estimates))
    if missing:
        estimates.update(zip(missing, _explain(missing), strict=True))
    return [current_state().story_count if key is None else estimates[key] for key in keys]


def _explain(keys):
    """The planner's row estimates for the queries of `keys` (see _sql_key), of one database:
    one EXPLAIN of their UNION ALL, whose Append node holds each query's plan in turn."""
    sql = " UNION ALL ".join(f"({key[1]})" for key in keys)
    params = [param for key in keys for param in key[2]]
    with connections[keys[0][0]].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    plan = plan[0]["Plan"]
    if len(keys) == 1:
        return [int(plan["Plan Rows"])]
    branches = plan.get("Plans", []) if plan["Node Type"] == "Append" else []
    if len(branches) != len(keys):
        # Planned otherwise (a branch the planner proved empty, a parallel plan): one by one.
        return [_explain([key])[0] for key in keys]
    return [int(branch["Plan Rows"]) for branch in branches]


def _request_memo(name):
    """A dict kept on the request's archive state, which a request reads once (outside a
    request the state is read afresh, so nothing is kept)."""
    return current_state().__dict__.setdefault(name, {})


def _sql_key(queryset):
    """`queryset`'s rows, unordered, as a key: its database, SQL and parameters. Kept on the
    queryset, which a search asks for again and again (ten times on four querysets); a
    queryset is not changed in place, only copied."""
    key = queryset.__dict__.get("_sql_key")
    if key is None:
        sql, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
        key = queryset._sql_key = (queryset.db, sql, tuple(params))
    return key
