"""Chinese full-text search: segmentation, query parsing, indexing, querying and highlighting.

Chinese has no spaces, so neither PostgreSQL's parser nor SQLite's unicode61 tokenizer can find
words in it. Text is normalised (NFKC, lower case, Traditional → Simplified with OpenCC), cut
into words by rjieba in search mode (南太湖新区 also yields 南太湖, 太湖, 新区) and stored:

- on PostgreSQL as a weighted ``tsvector`` in ``Article.search_vector`` with a GIN index, built
  here as a literal so that no text search parser or dictionary touches the words;
- on SQLite in the FTS5 table ``articles_search``, one column per weight, ranked with bm25.

Word positions count letters and digits only (punctuation and spaces do not count), so that a
phrase in quotes means the same thing on both databases: its words next to each other, in order,
whatever punctuation the story prints between them.

The public interface: ``Article.objects.search(query)`` (``ArticleQuerySet.search``),
``parse_query``, ``InvalidQuery``, ``highlight``, ``snippet``, ``index_articles``.
"""

import json
import re
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from itertools import accumulate

import opencc
import rjieba
from django.apps import apps as global_apps
from django.core.cache import cache
from django.db import connections
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Longer queries are refused: nobody types more, and each word costs an index lookup.
MAX_QUERY_LENGTH = 200
# Ranking every match of a word found in nearly every story costs most of a second at 100,000
# stories (see NOTES.md); only the newest CANDIDATES matches are ranked, which keeps a common word
# as fast as a rare one. Readers are told when a search reaches this many.
CANDIDATES = 1000
BATCH_SIZE = 500
# PostgreSQL keeps at most 256 positions of a word, at positions up to 16,383.
MAX_POSITIONS = 255
MAX_POSITION = 16383
MAX_WORD_LENGTH = 60

# People named in the stories, so that 夏文星 is one word rather than 夏 / 文星. Reporters'
# and regions' names are read from the database.
NAMES_IN_STORIES = ("夏文星", "王宝龙", "杨卫东", "石一婷")

# Which text goes in which weight: A is worth most. bm25 weights for the SQLite columns follow
# ts_rank's defaults for D, C, B, A (0.1, 0.2, 0.4, 1.0); the `chars` column only checks phrases.
WEIGHTS = "ABCD"
SQLITE_TABLE = "articles_search"
SQLITE_COLUMNS = ("title", "subtitle", "people", "body", "chars")
SQLITE_BM25 = "bm25(articles_search, 10.0, 4.0, 2.0, 1.0, 0.0)"
SQLITE_WORD_COLUMNS = "{title subtitle people body}"

DICTIONARY_VERSION_KEY = "articles:search:dictionary-version"

_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({q: '"' for q in "“”„‟「」『』＂〝〞"})
_PHRASE = re.compile(r'"([^"]*)"?')
_SUBHEAD = re.compile(r"^#{1,3}\s+", re.MULTILINE)

_t2s = opencc.OpenCC("t2s")
_jieba = rjieba.Jieba()
_dictionary_lock = threading.Lock()
_dictionary_version = None


class InvalidQuery(ValueError):
    """A query the search refuses; the message is for readers."""


# --- Normalisation and segmentation --------------------------------------------------------


def _normalize_whole(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return _t2s.convert(text)


def normalize(text):
    """NFKC, lower case, Simplified: one character out for each character in.

    Keeping the length lets highlighting use offsets in the normalised text on the original.
    """
    normalized = _normalize_whole(text)
    if len(normalized) == len(text):
        return normalized
    # Rare: a ligature or a phrase conversion changed the length. Go character by character,
    # keeping any character whose normal form is not exactly one character.
    chars = []
    for char in text:
        converted = _normalize_whole(char)
        chars.append(converted if len(converted) == 1 else char)
    return "".join(chars)


def tokenize(normalized, mode="search"):
    """(word, start, end) for each word of already normalised text; letters and digits only."""
    for word, start, end in _jieba.tokenize(normalized, mode=mode):
        if word.isalnum():  # nearly every word: no need for the regular expression
            if len(word) <= MAX_WORD_LENGTH:
                yield word, start, end
            continue
        for match in _WORD.finditer(word):
            if match.end() - match.start() <= MAX_WORD_LENGTH:
                yield match.group(), start + match.start(), start + match.end()


def _letter_offsets(text):
    """offsets[i]: how many letters and digits come before text[i]."""
    return list(accumulate((char.isalnum() for char in text), initial=0))


def _positioned_words(text, mode="search"):
    """(word, position), position counting letters and digits only; also the letter count."""
    normalized = normalize(text)
    offsets = _letter_offsets(normalized)
    return [(w, offsets[s]) for w, s, _ in tokenize(normalized, mode)], offsets[-1]


# --- The dictionary of names ----------------------------------------------------------------


def add_names(names):
    """Teach the segmenter names, in this process, e.g. a reporter just saved."""
    with _dictionary_lock:
        for name in names:
            name = normalize(name.strip())
            if 2 <= len(name) <= 20 and _WORD.fullmatch(name):
                _jieba.add_word(name, None, None)


def names_changed(names):
    """A reporter or region was named: learn it here, and tell other processes to reload."""
    global _dictionary_version
    ensure_dictionary()
    add_names(names)
    _dictionary_version = uuid.uuid4().hex
    cache.set(DICTIONARY_VERSION_KEY, _dictionary_version, None)


def ensure_dictionary(apps=global_apps):
    """Load the archive's names once per process, and again when another process added some."""
    global _dictionary_version
    version = cache.get(DICTIONARY_VERSION_KEY, "initial")
    if version == _dictionary_version:
        return
    Reporter = apps.get_model("articles", "Reporter")
    Region = apps.get_model("articles", "Region")
    names = [*NAMES_IN_STORIES]
    names += Reporter.objects.values_list("name", flat=True)
    names += Region.objects.values_list("name", flat=True)
    add_names(names)
    _dictionary_version = version


# --- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """What a reader asked for: words that must all appear, and phrases in quotes."""

    text: str  # as typed, cleaned of control characters: shown back in the search box
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[tuple[str, int], ...], ...] = ()  # (word, letter offset) each

    def __bool__(self):
        return bool(self.words or self.phrases)

    @property
    def terms(self):
        """Every word to highlight."""
        return set(self.words) | {word for phrase in self.phrases for word, _ in phrase}

    def tsquery(self):
        """The query as a PostgreSQL tsquery literal: words AND-ed, phrases with distances."""
        parts = [_quote_lexeme(word) for word in self.words]
        for phrase in self.phrases:
            text = _quote_lexeme(phrase[0][0])
            for (_, previous), (word, offset) in zip(phrase, phrase[1:], strict=False):
                text += f" <{offset - previous}> {_quote_lexeme(word)}"
            parts.append(f"( {text} )")
        return " & ".join(parts)

    def fts5(self):
        """The query as an SQLite FTS5 expression; every word is a quoted string."""
        words = list(self.words) + [word for phrase in self.phrases for word, _ in phrase]
        parts = [f"{SQLITE_WORD_COLUMNS} : {_quote_fts5(word)}" for word in dict.fromkeys(words)]
        for phrase in self.phrases:
            chars = " ".join("".join(word for word, _ in _dedupe_overlaps(phrase)))
            parts.append(f"chars : {_quote_fts5(chars)}")
        return " AND ".join(parts)


def _dedupe_overlaps(phrase):
    """A phrase's words, without words that start inside the previous one."""
    end = -1
    for word, offset in phrase:
        if offset >= end:
            yield word, offset
            end = offset + len(word)


def _quote_lexeme(word):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _quote_fts5(text):
    return '"' + text.replace('"', '""') + '"'


def clean_input(text):
    """Drop what no reader types: NUL and other control characters, lone surrogates."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" " if char.isspace() else "")
        elif category not in ("Cs", "Cn"):
            kept.append(char)
    return " ".join("".join(kept).split())


def parse_query(raw):
    """Parse what a reader typed. Raises InvalidQuery for input that is refused."""
    if isinstance(raw, ParsedQuery):
        return raw
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"检索词太长了：请不要超过 {MAX_QUERY_LENGTH} 个字。")
    text = clean_input(raw)
    ensure_dictionary()
    words, phrases = [], []
    quoted = text.translate(_QUOTES)
    for phrase_text in _PHRASE.findall(quoted):
        phrase, _ = _positioned_words(phrase_text, mode="default")
        if len(phrase) == 1:
            words.append(phrase[0][0])
        elif phrase:
            phrases.append(tuple(phrase))
    for chunk in _PHRASE.sub(" ", quoted).split():
        words += [word for word, _, _ in tokenize(normalize(chunk), mode="default")]
    return ParsedQuery(text=text, words=tuple(dict.fromkeys(words)), phrases=tuple(phrases))


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


def _match_and_rank(parsed, vendor):
    if vendor == "postgresql":
        tsquery = Value(parsed.tsquery())
        match = _SQL(
            "%s @@ (%s)::tsquery", F("search_vector"), tsquery, output_field=BooleanField()
        )
        rank = _SQL(
            "ts_rank(%s, (%s)::tsquery)", F("search_vector"), tsquery, output_field=FloatField()
        )
    else:
        expression = Value(parsed.fts5())
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
    match, rank = _match_and_rank(parsed, connections[queryset.db].vendor)
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
    match, _ = _match_and_rank(parsed, connections[queryset.db].vendor)
    return queryset.filter(match)


def estimate_count(queryset, query):
    """How many stories in `queryset` match `query`: exact on SQLite, the planner's estimate on
    PostgreSQL (an exact count of a common word costs as much as ranking it)."""
    parsed = parse_query(query)
    if not parsed:
        return 0
    connection = connections[queryset.db]
    match, _ = _match_and_rank(parsed, connection.vendor)
    matching = queryset.filter(match)
    if connection.vendor != "postgresql":
        return matching.count()
    sql, params = matching.values("pk").query.get_compiler(queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def describe_count(count, estimated=False):
    """'4 篇', or '约 9.9 万篇' for an estimate."""
    if not estimated:
        return f"{count:,} 篇"
    if count >= 10000:
        return f"约 {count / 10000:.1f} 万篇".replace(".0 万", " 万")
    return f"约 {count:,} 篇"


# --- Highlighting ---------------------------------------------------------------------------


def _match_spans(text, parsed):
    """Merged (start, end) spans of `text` where a query word is found."""
    terms = parsed.terms
    spans = sorted((s, e) for w, s, e in tokenize(normalize(text)) if w in terms)
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text, spans, offset=0):
    out, at = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        out += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def _parsed_or_none(query):
    try:
        parsed = parse_query(query)
    except InvalidQuery:
        return None
    return parsed or None


def highlight(text, query):
    """`text`, escaped, with <mark> around the words of `query`; safe to put in a page."""
    text = text or ""
    parsed = _parsed_or_none(query)
    spans = _match_spans(text, parsed) if parsed else []
    return mark_safe(_marked(text, spans))


def snippet(text, query, length=120):
    """About `length` characters of `text` around its best match, escaped and highlighted."""
    text = " ".join(_SUBHEAD.sub("", text or "").split())
    parsed = _parsed_or_none(query)
    spans = _match_spans(text, parsed) if parsed else []
    if len(text) <= length:
        return mark_safe(_marked(text, spans))
    start = 0
    if spans:
        # The window (starting a little before a match) that holds the most matches.
        lead = length // 5

        def matches_in_window(span):
            begin = max(span[0] - lead, 0)
            return sum(1 for s, e in spans if s >= begin and e <= begin + length)

        start = max(max(spans, key=matches_in_window)[0] - lead, 0)
        start = min(start, len(text) - length)
        # Never cut a highlighted word in two.
        for s, e in spans:
            if s < start < e:
                start = s
    end = start + length
    for s, e in spans:
        if s < end < e:
            end = e
    body = _marked(text[start:end], spans, offset=start)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))


# --- Indexing -------------------------------------------------------------------------------


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
    """A weighted tsvector literal for texts by weight, positions in letters (see above)."""
    positions = {}
    base = 1
    for weight in WEIGHTS:
        for text in texts.get(weight, ()):
            words, letters = _positioned_words(text or "")
            for word, offset in words:
                positions.setdefault(word, {}).setdefault(min(base + offset, MAX_POSITION), weight)
            # A gap between texts, so that a phrase never runs from one into the next.
            base += letters + 1
    entries = []
    for word, weights in positions.items():
        spots = ",".join(f"{p}{w}" for p, w in sorted(weights.items())[:MAX_POSITIONS])
        entries.append(f"{_quote_lexeme(word)}:{spots}")
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
