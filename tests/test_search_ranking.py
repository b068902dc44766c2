"""Search at archive scale (issue 10): a headline match is found and ranked first however old it
is and however common its word, and a count says whether it is an estimate. On SQLite and
PostgreSQL alike, with a few thousand stories built here (no timing: see bench/)."""

import datetime
import importlib

import pytest
from django.db import connection, transaction
from django.db.models import BooleanField, Value
from django.test.utils import CaptureQueriesContext

from articles import background, search
from articles.facets import cached_facets
from articles.models import Article
from articles.search import backends

from .conftest import html

pytestmark = pytest.mark.django_db

# More stories mentioning 平安 in the body than the search ranks (search.CANDIDATES), all of them
# newer than the one story headlined with it.
BODY_MATCHES = 1500


@pytest.fixture
def archive(db):
    """BODY_MATCHES recent stories with 平安 in the body only (some twice), one story from 2012
    headlined with it, one with it in the kicker, and one story with a rare word."""
    start = datetime.date(2020, 1, 1)
    stories = [
        Article(
            headline=f"基层治理工作简讯第{n}期",
            body="近日，各地持续推进平安建设。" + ("平安创建再上台阶。" if n % 3 == 0 else ""),
            published_on=start + datetime.timedelta(days=n % 600),
        )
        for n in range(BODY_MATCHES)
    ]
    stories += [
        Article(
            headline="平安湖州建设动员大会召开",
            body="会议部署了全年工作。",
            published_on=datetime.date(2012, 1, 5),
        ),
        Article(
            kicker="平安建设进行时",
            headline="夜间巡逻队上岗",
            body="巡逻队员在街头值守。",
            published_on=datetime.date(2013, 6, 1),
        ),
        Article(
            headline="龙骨水车修复完成",
            body="老物件重新转动起来。",
            published_on=datetime.date(2014, 3, 2),
        ),
    ]
    Article.objects.bulk_create(stories)
    search.index_articles(Article.objects.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
    return {a.headline: a for a in Article.objects.filter(published_on__year__lt=2020)}


def test_old_headline_match_of_a_common_word_ranks_first(archive):
    results = list(Article.objects.search("平安")[:3])
    assert {a.headline for a in results[:2]} == {"夜间巡逻队上岗", "平安湖州建设动员大会召开"}
    assert results[0].search_rank >= 1 and results[1].search_rank >= 1
    assert results[2].search_rank < 1
    assert results[2].published_on.year >= 2020


def test_headline_matches_come_before_every_body_match(archive):
    ranks = [a.search_rank for a in Article.objects.search("平安")[:100]]
    assert sum(rank >= 1 for rank in ranks) == 2
    assert ranks == sorted(ranks, reverse=True)


def test_a_filter_keeps_the_headline_match_first(archive):
    before_2020 = Article.objects.filter(published_on__year__lt=2020)
    assert {a.headline for a in before_2020.search("平安")} == {
        "夜间巡逻队上岗",
        "平安湖州建设动员大会召开",
    }


def test_search_page_shows_the_old_headline_match_first(client, archive):
    main = html(client.get("/search/", {"q": "平安"})).select_one("main#main")
    headlines = [a.get_text().strip() for a in main.select("article.card h2 a")]
    assert set(headlines[:2]) == {"夜间巡逻队上岗", "平安湖州建设动员大会召开"}
    assert len(headlines) == 20


only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's search is FTS5, unbounded"
)


@only_postgresql
@pytest.mark.parametrize("rare_share", [0.0, 1.01])  # walk the date index / ask the RUM index
def test_the_newest_matches_are_the_same_however_they_are_found(archive, monkeypatch, rare_share):
    # Migration 0016's `recency` must sort as (published_on, id) does, ties and the calendar's
    # ends included, or the RUM index would hand a search other candidates than the walk.
    Article.objects.bulk_create(
        Article(headline=headline, body="各地持续推进平安建设。", published_on=date)
        for headline, date in [
            ("最早的简讯", datetime.date(1, 1, 1)),
            ("最晚的简讯", datetime.date.max),
        ]
    )
    search.index_articles(Article.objects.filter(headline__in=("最早的简讯", "最晚的简讯")))
    monkeypatch.setattr(backends, "RARE_SHARE", rare_share)
    everything = Article.objects.all()
    matching = search.matching(everything, "平安")
    order = backends._newest_order(matching, everything, search.parse_query("平安"))
    found = matching.order_by(*order)
    newest_first = matching.order_by("-published_on", "-pk")
    ids = list(found.values_list("pk", flat=True))
    assert ids == list(newest_first.values_list("pk", flat=True))
    assert len(ids) == BODY_MATCHES + 4
    assert [Article.objects.get(pk=pk).headline for pk in (ids[0], ids[-1])] == [
        "最晚的简讯",
        "最早的简讯",
    ]


@only_postgresql
def test_the_rum_indexes_hand_over_the_newest_matches_in_order(archive, monkeypatch):
    # Headline matches always, other matches under RARE_SHARE: read in order from the index,
    # not every match's row read and sorted.
    monkeypatch.setattr(backends, "RARE_SHARE", 1.01)
    sql, params = Article.objects.search("平安").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # With 1,503 stories, reading them all and sorting would do: what the index can do is
        # the question (sorting stays possible, at a prohibitive cost, if it cannot).
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Index Scan using article_title_recency_idx" in plan
    assert "Index Scan using article_search_recency_idx" in plan
    assert plan.count("Order By: (recency <=| '9007199254740992'::bigint)") == 2


def walked_for_matches(query):
    stories = Article.objects.all()
    matching = search.matching(stories, query)
    order = backends._newest_order(matching, stories, search.parse_query(query))
    return order == ("-published_on", "-pk")


@only_postgresql
@pytest.mark.parametrize("query", ['"平安建设"', "平安 建设"])
def test_a_phrase_or_several_words_walk_for_their_matches_only_above_the_higher_line(
    archive, monkeypatch, query
):
    # Their estimate is a guess, so they have a line of their own, above a single word's.
    monkeypatch.setattr(backends, "RARE_SHARE", 0.0)
    monkeypatch.setattr(backends, "RARE_SHARE_GUESSED", 1.01)
    assert walked_for_matches("平安")
    assert not walked_for_matches(query)
    monkeypatch.setattr(backends, "RARE_SHARE", 1.01)
    monkeypatch.setattr(backends, "RARE_SHARE_GUESSED", 0.0)
    assert not walked_for_matches("平安")
    assert walked_for_matches(query)


@only_postgresql
def test_a_story_s_search_vector_is_kept_in_its_row(archive):
    # Migration 0017: a search tests and ranks hundreds of vectors, 3 KB on average at scale;
    # out of line, each cost three or four more page reads. A story whose vector and body will
    # not both fit in 2 KB has its body moved out of line instead.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)
    words = "".join(f"第{n}项工作稳步推进，" for n in range(300))
    story = Article.objects.create(headline="长篇报道", body=words, published_on="2021-09-30")
    before = out_of_line_values()
    search.index_articles(Article.objects.filter(pk=story.pk))
    moved = [size for value, size in out_of_line_values().items() if value not in before]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(search_vector) FROM articles_article WHERE id = %s", [story.pk]
        )
        (vector,) = cursor.fetchone()
    assert vector > 2000  # over the line where PostgreSQL moves a row's largest value out
    assert all(size < vector for size in moved)  # the body, if anything


def out_of_line_values():
    """The stories' values stored out of line (in their TOAST table): id → bytes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass FROM pg_class WHERE oid = 'articles_article'::regclass"
        )
        (toast,) = cursor.fetchone()
        cursor.execute(f"SELECT chunk_id, sum(length(chunk_data)) FROM {toast} GROUP BY chunk_id")
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the rum extension is PostgreSQL's")
@pytest.mark.django_db
def test_migrating_without_rum_says_which_package_to_install():
    # The migration asks this of `rum` before it creates anything; here, of an extension no
    # server has, on the real server, whose major version names the package.
    migration = importlib.import_module("articles.migrations.0016_recency_rum_indexes")
    major = connection.pg_version // 10000
    assert migration.missing_extension(connection) is None
    message = migration.missing_extension(connection, "no_such_extension")
    assert f"apt-get install postgresql-{major}-no_such_extension" in message
    assert f"(for PostgreSQL {major})" in message


def test_count_says_whether_it_is_exact(archive):
    everything = Article.objects.all()
    assert search.count(everything, "龙骨") == (1, False)
    assert search.count(everything, "火星") == (0, False)
    count = search.count(everything, "平安")
    if connection.vendor == "postgresql":
        # More than the search pages through: the planner's estimate, said to be one.
        assert count.estimated and count.number > search.CANDIDATES
    else:
        assert count == (BODY_MATCHES + 2, False)


def test_a_search_pages_through_at_least_the_candidates(archive):
    # The paginator takes min(count, CANDIDATES): that many stories must be there to page.
    results = Article.objects.search("平安")
    assert results.count() >= search.CANDIDATES


@pytest.mark.parametrize("query", ['"平安建设"', "平安 建设"])
def test_a_search_finds_the_same_whether_counting_it_found_its_matches_or_not(
    client, archive, query
):
    # On PostgreSQL, counting a search whose estimate does not stand reads its newest matches,
    # and in the same request its candidates are those (search.backends._match_ids); outside
    # a request nothing is kept, and the candidates are looked for again.
    alone = [story.headline for story in Article.objects.search(query)[:20]]
    page = html(client.get("/search/", {"q": query})).select_one("main#main")
    shown = [a.get_text().strip() for a in page.select("article.card h2 a")]
    assert shown == alone and len(shown) == 20


@only_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query, in_headlines",
    [
        ('"平安建设"', ["夜间巡逻队上岗"]),
        ("平安 建设", ["夜间巡逻队上岗", "平安湖州建设动员大会召开"]),
    ],
)
def test_a_search_finds_the_same_when_its_headline_matches_are_found_beside_it(
    client, archive, query, in_headlines
):
    # Outside a transaction, while a count whose estimate does not stand walks the matches, the
    # background thread finds the newest headline matches, and the page's query takes both as
    # ids (search.backends._begin_newest_headlines). Alone, the search finds them itself.
    alone = [story.headline for story in Article.objects.search(query)[:20]]
    with CaptureQueriesContext(connection) as queries:
        page = html(client.get("/search/", {"q": query})).select_one("main#main")
    shown = [a.get_text().strip() for a in page.select("article.card h2 a")]
    assert sorted(shown[: len(in_headlines)]) == sorted(in_headlines)
    assert shown == alone and len(shown) == 20
    headline_queries = [q["sql"] for q in queries.captured_queries if "title_vector" in q["sql"]]
    assert headline_queries and not any("LIMIT 500" in sql for sql in headline_queries)


@only_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_filtered_search_finds_its_headline_matches_itself(client, archive, monkeypatch):
    # A filtered count keeps the matches it walks only if they are all there are (here there
    # are 1,500), so no headline lookup is begun beside it that the search might not use: the
    # facets are the only work handed to the background thread.
    begun = []
    begin = background.begin
    monkeypatch.setattr(background, "begin", lambda fn, *args: begun.append(fn) or begin(fn, *args))
    query = {"q": "平安 建设", "from": "2012"}
    since_2012 = Article.objects.published_between(datetime.date(2012, 1, 1), None)
    alone = [story.headline for story in since_2012.search(query["q"])[:20]]
    page = html(client.get("/search/", query)).select_one("main#main")
    shown = [a.get_text().strip() for a in page.select("article.card h2 a")]
    assert shown == alone and len(shown) == 20
    assert begun == [cached_facets]


@pytest.fixture
def headlines_then_bodies(db):
    """25 stories headlined with 消防, older than 30 that only mention it in the body."""
    start = datetime.date(2018, 1, 1)
    stories = [
        Article(
            headline=f"消防安全检查第{n}站",
            body="检查组逐项核对。",
            published_on=start + datetime.timedelta(days=n),
        )
        for n in range(25)
    ]
    stories += [
        Article(
            headline=f"社区简讯第{n}期",
            body="居民参加了消防演练。",
            published_on=start + datetime.timedelta(days=100 + n),
        )
        for n in range(30)
    ]
    Article.objects.bulk_create(stories)
    search.index_articles(Article.objects.all())


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_page_is_the_same_whether_or_not_its_end_is_known(headlines_then_bodies, page):
    # Knowing the page's end (`within`) spares looking for the other matches when headline
    # matches fill the page (page 1 here); it must never change what a page holds.
    end = page * 20
    known = list(Article.objects.search("消防", within=end)[end - 20 : end])
    unknown = list(Article.objects.search("消防")[end - 20 : end])
    assert [a.pk for a in known] == [a.pk for a in unknown]
    headlines = sum(a.search_rank >= 1 for a in known)
    assert (headlines, len(known)) == {1: (20, 20), 2: (5, 20), 3: (0, 15)}[page]


def test_the_search_page_asks_for_no_more_than_its_end(client, headlines_then_bodies):
    main = html(client.get("/search/", {"q": "消防", "page": "2"})).select_one("main#main")
    headlines = [a.get_text().strip() for a in main.select("article.card h2 a")]
    assert len(headlines) == 20
    assert sum(h.startswith("消防安全检查") for h in headlines) == 5


def test_which_planner_estimates_stand_for_a_count(archive):
    # A single word's estimate above 2,000 (and above what PostgreSQL guesses for a word it has
    # no statistics for: 0.5% of the stories) stands; several words need more than 10,000, a
    # phrase is always counted.
    from articles.search.backends import _trusted

    stories = Article.objects.all()
    word, words, phrase = (search.parse_query(q) for q in ("平安", "平安 湖州", '"平安湖州"'))
    assert _trusted(2_001, word, stories)
    assert not _trusted(2_000, word, stories)
    assert not _trusted(5_000, words, stories)
    assert _trusted(10_001, words, stories)
    assert not _trusted(100_000, phrase, stories)


@only_postgresql
def test_the_planner_is_asked_about_a_search_s_queries_at_once(archive):
    # A search's count and its headline matches' order need two estimates: one EXPLAIN (of
    # their UNION ALL) answers both, as two EXPLAINs would.
    stories = Article.objects.all()
    common, rare = search.matching(stories, "平安"), search.matching(stories, "龙骨")
    alone = [backends._explain([backends._sql_key(qs)])[0] for qs in (common, rare)]
    with CaptureQueriesContext(connection) as asked:
        assert backends._planner_estimates(common, rare) == alone
    assert [q["sql"].count("UNION ALL") for q in asked if q["sql"].startswith("EXPLAIN")] == [1]
    # A query the planner proves empty leaves the UNION ALL without its branch: asked alone.
    empty = stories.filter(Value(False, output_field=BooleanField()))
    with CaptureQueriesContext(connection) as asked:
        estimates = backends._planner_estimates(common, empty)
    assert estimates[0] == alone[0] and estimates[1] <= 1
    assert sum(q["sql"].startswith("EXPLAIN") for q in asked) == 3


@only_postgresql
@pytest.mark.parametrize("common_share", [0.0, 1.01])  # walk the date index / ask the RUM index
def test_the_newest_headline_matches_are_the_same_however_they_are_found(
    archive, monkeypatch, common_share
):
    # All BODY_MATCHES stories are headlined 基层治理工作简讯, ranked alike: the results are the
    # newest, by date and then id (600 dates for 1,500 stories), whichever way they are read.
    monkeypatch.setattr(backends, "COMMON_HEADLINE_SHARE", common_share)
    assert walked_for_headlines("简讯") == (common_share == 0.0)
    found = [a.pk for a in Article.objects.search("简讯")[:60]]
    newest = Article.objects.filter(headline__contains="简讯").order_by("-published_on", "-pk")
    assert found == list(newest.values_list("pk", flat=True)[:60])


def walked_for_headlines(query):
    """Whether a search for `query` in the whole archive walks the date index for its newest
    headline matches (else it reads them from the RUM index)."""
    stories = Article.objects.all()
    parsed = search.parse_query(query)
    in_headlines = stories.filter(backends._title_match(Value(backends.tsquery(parsed))))
    order = backends._newest_headlines_order(in_headlines.values("pk"), stories, parsed)
    return order == ("-published_on", "-pk")


@only_postgresql
def test_only_a_single_word_common_in_headlines_walks_for_them(archive):
    assert walked_for_headlines("简讯")  # in 1,500 of 1,503 headlines
    assert not walked_for_headlines("龙骨")  # in one
    assert not walked_for_headlines('"工作简讯"')  # a phrase: the planner multiplies its words'
    assert not walked_for_headlines("简讯 基层治理")  # several words, likewise


@only_postgresql
def test_a_common_word_s_newest_headline_matches_are_walked_in_an_index_alone(archive):
    # Migration 0018: the walk reads the index that holds each headline's vector beside the
    # date and id, not each story's row (4.5 KB with its search vector).
    stories = Article.objects.all()
    parsed = search.parse_query("简讯")  # in 1,500 of 1,503 headlines
    in_headlines = stories.filter(backends._title_match(Value(backends.tsquery(parsed))))
    in_headlines = in_headlines.values("pk")
    order = backends._newest_headlines_order(in_headlines, stories, parsed)
    assert order == ("-published_on", "-pk")
    sql, params = in_headlines.order_by(*order)[:500].query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for method in ("seqscan", "bitmapscan", "sort", "incremental_sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Index Only Scan using article_newest_titles_idx" in plan


@only_postgresql
def test_a_filtered_search_asks_the_planner_once(client, archive, monkeypatch):
    # The count's estimate stands, so the candidates are walked for rather than found by
    # counting, and choosing how needs the share of the stories searched: asked with the
    # count's own estimate, in the same EXPLAIN.
    monkeypatch.setattr(backends, "TRUSTED_ESTIMATE", 0)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "平安 建设", "from": "2020"})
    assert response.status_code == 200
    assert sum(q["sql"].startswith("EXPLAIN") for q in queries) == 1
