"""Chinese full-text search, one package of concerns behind one interface.

Used by the pages, the API and the admin alike:

``Article.objects.search(query)``
    ``ArticleQuerySet.search``: the stories of a QuerySet matching `query`, best first, each
    with ``search_rank``. Only the newest ``CANDIDATES`` matches are ranked: filter first.
``parse_query(text) -> ParsedQuery``
    Parse what a reader typed, once; every function here takes the ParsedQuery as well as a
    string (and a ParsedQuery is parsed no further). Raises ``InvalidQuery`` (a ValueError whose
    message is for readers) for a query it refuses, e.g. one over ``MAX_QUERY_LENGTH``.
``matching(queryset, query)``
    The stories of `queryset` matching `query`, unranked (facets count these).
``count(queryset, query) -> ResultCount(number, estimated)``
    How many stories of `queryset` match; ``estimated`` when it is the planner's estimate.
``highlight(text, query)``, ``snippet(text, query, length=120)``
    Escaped text with ``<mark>`` around the query's words (safe strings), whole or cut around
    the best match.
``clean_input(text)``
    What a reader typed without control characters, for showing it back.
``index_articles(articles)``, ``unindex_articles(ids)``, ``clear_index()``, ``BATCH_SIZE``
    Writing the index (the signals and ``rebuild_search_index`` call these).
``compact_index()``
    Rebuild PostgreSQL's RUM indexes after a bulk reindex (``rebuild_search_index`` does).
``names_changed(names)``
    A name the segmenter knows (a reporter's, a region's, a dictionary entry's) changed: every
    process reloads them (see ``lexicon``).
``pinyin_names(text)``
    The names whose pinyin `text` is (``caokailin`` → 曹凯琳), for "did you mean".
``index_mentions(forms)``
    Reindex the stories that print any of `forms` (a dictionary entry's name and aliases).

The modules, by concern:

- ``text``: normalising (NFKC, lower case, Traditional → Simplified) and segmenting (rjieba);
- ``lexicon``: the names the segmenter knows (reporters, regions, the editors' dictionary with
  aliases) and their pinyin, kept in step with the database in every process;
- ``query``: parsing into a ParsedQuery;
- ``backends``: the SQL per database (PostgreSQL tsvector, SQLite FTS5): match, rank, count;
- ``highlight``: marks and snippets;
- ``index``: writing the index.
"""

from .backends import CANDIDATES, ResultCount, count, matching, search
from .highlight import highlight, snippet
from .index import (
    BATCH_SIZE,
    clear_index,
    compact_index,
    index_articles,
    index_mentions,
    unindex_articles,
)
from .lexicon import ensure_dictionary, names_changed, pinyin_names
from .query import MAX_QUERY_LENGTH, InvalidQuery, ParsedQuery, clean_input, parse_query
from .text import normalize, tokenize

__all__ = [
    "BATCH_SIZE",
    "CANDIDATES",
    "MAX_QUERY_LENGTH",
    "InvalidQuery",
    "ParsedQuery",
    "ResultCount",
    "clean_input",
    "clear_index",
    "compact_index",
    "count",
    "ensure_dictionary",
    "highlight",
    "index_articles",
    "index_mentions",
    "matching",
    "names_changed",
    "normalize",
    "parse_query",
    "pinyin_names",
    "search",
    "snippet",
    "tokenize",
    "unindex_articles",
]
