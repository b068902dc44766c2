"""Chinese full-text search (issue 4), on the four seed reports, on SQLite and PostgreSQL alike.

Stories are named by their position on the seed page (1-4). Every query goes through the real
database index, and the page tests through Django's test client.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from taggit.models import Tag

from articles import search
from articles.models import Article, Byline, Region, Reporter

from .conftest import SEED_PAGE, html, planner_queries, rum_index_files, text_of

pytestmark = pytest.mark.django_db

ALL = [1, 2, 3, 4]

# (query, the stories it finds)
QUERIES = [
    # From the issue.
    ("国庆", [1]),
    ("夏文星", [1, 2]),
    ("反邪教", [3]),
    ("征文", [4]),
    ("曹凯琳", [1, 3, 4]),  # a byline
    ("湖州", ALL),
    ("安保 维稳", [1]),  # several words: all of them
    ("政法委", ALL),
    ("不存在的词", []),
    ("火星探测器", []),
    # Names the segmenter was taught: people, reporters, regions.
    ("王宝龙", [3]),
    ("杨卫东", [1]),
    ("石一婷", [1]),
    ("高飞", [1, 2]),
    ("徐冬梅", [1]),
    ("南太湖新区", [1]),
    ("南太湖", [1, 3]),  # also inside 平安南太湖
    ("吴兴区", [1]),
    # Tags, and words that are only parts of longer words.
    ("执行难", [2]),
    ("反诈", [3]),
    ("党史学习教育", [4]),
    ("数字化改革", [2]),
    ("书记", [1, 2, 4]),
    ("湖州 征文", [4]),
    # Traditional characters and full-width letters.
    ("國慶", [1]),
    ("長興縣", [1]),
    ("政法委 國慶", [1]),
    ("科普ｅ站", [3]),
    # Phrases: the words next to each other, in order, punctuation between them ignored.
    ('"安保维稳"', [1]),
    ('"维稳安保"', [1]),  # 平安维稳安保“大硬仗”
    ('"南太湖新区作交流"', [1]),
    ('"湖州 政法"', [3, 4]),
    ("“平安南太湖”", [3]),
    ('"政法委湖州"', []),
    ('"国庆" 征文', []),
    # Hostile input: searched as the words it holds, never as syntax.
    ("\x00国庆\x00", [1]),
    ("\ud800国庆", [1]),
    ('" * ( ) NEAR OR AND - ^ :', []),
    ("国庆 OR 征文", []),  # OR is a word, not an operator
    ("国庆*", [1]),
    ("-国庆", [1]),
    ("title:国庆", []),
    ("'; DROP TABLE articles_article; --", []),
    ("<script>alert(1)</script>", []),
    ('"国庆', [1]),  # an unclosed quote
]


def found(query):
    return [article.position for article in Article.objects.search(query)]


def card_positions(response, seed):
    by_url = {article.get_absolute_url(): position for position, article in seed.items()}
    main = html(response).select_one("main#main")
    return [by_url[a["href"]] for a in main.select("article.card h2 a")]


@pytest.mark.parametrize("query, expected", QUERIES)
def test_search_finds_the_expected_stories(seed, query, expected):
    assert sorted(found(query)) == expected


@pytest.mark.parametrize("query, expected", QUERIES)
def test_search_page_lists_the_expected_stories(client, seed, query, expected):
    response = client.get("/search/", {"q": query.replace("\ud800", "")})
    assert sorted(card_positions(response, seed)) == expected


def test_headline_match_ranks_first(seed):
    # 政法委 is in every story's body, but only in report 3's headline.
    assert found("政法委")[0] == 3
    assert set(found("政法")[:2]) == {3, 4}  # both have it in the headline
    ranks = [a.search_rank for a in Article.objects.search("政法委")]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]


def test_search_page_is_ranked_and_counted(client, seed):
    response = client.get("/search/", {"q": "政法委"})
    assert card_positions(response, seed)[0] == 3
    main = html(response).select_one("main#main")
    assert "找到 4 篇" in text_of(main)
    assert main.select("nav, aside, form") == []


def test_search_chains_with_filters_and_listing(seed, django_assert_num_queries):
    reporter = Reporter.objects.get(slug="cao-kailin")
    tag = Tag.objects.get(name="政法")
    results = Article.objects.filter_by(reporter=reporter, tag=tag).search("湖州").for_listing()
    with django_assert_num_queries(2):  # the stories, their cards' bylines, districts, tags
        assert sorted(a.position for a in results) == [3, 4]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "湖州", "reporter": "cao-kailin"}, [1, 3, 4]),
        ({"q": "湖州", "reporter": "cao-kailin", "tag": "政法"}, [3, 4]),
        ({"q": "夏文星", "reporter": "gao-fei"}, [1, 2]),
        ({"q": "夏文星", "reporter": "xu-dongmei"}, [1]),
        ({"q": "湖州", "district": "nanxun"}, [1]),
        ({"q": "湖州", "district": "huzhou"}, ALL),  # the city and everything under it
        ({"q": "反邪教", "district": "nanxun"}, []),
    ],
)
def test_search_page_filters_combine(client, seed, params, expected):
    response = client.get("/search/", params)
    assert sorted(card_positions(response, seed)) == expected


def test_active_filters_are_shown_and_kept_in_the_form(client, seed):
    page = html(client.get("/search/", {"q": "湖州", "reporter": "cao-kailin"}))
    nav = page.select_one("nav.active-filters")
    assert "曹凯琳" in text_of(nav)
    form = page.select_one("form.search-page-form")
    assert form.select_one("input[name=q]")["value"] == "湖州"
    assert form.select_one("label[for=search-q]")
    assert form.select_one("input[type=hidden][name=reporter]")["value"] == "cao-kailin"


def test_matches_are_highlighted_in_snippets(client, seed):
    main = html(client.get("/search/", {"q": "國慶"})).select_one("main#main")
    marks = [mark.get_text() for mark in main.select(".card__snippet mark")]
    assert marks and set(marks) == {"国庆"}


def test_html_in_the_query_comes_back_escaped(client, seed):
    response = client.get("/search/", {"q": "<script>alert(1)</script> 国庆"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_highlight_escapes_text_before_marking():
    marked = search.highlight("<b>湖州政法委</b>", "政法委")
    assert marked == "&lt;b&gt;湖州<mark>政法委</mark>&lt;/b&gt;"
    assert search.highlight("<i>國慶</i>", "国庆") == "&lt;i&gt;<mark>國慶</mark>&lt;/i&gt;"
    assert search.highlight("a < b", "<mark>") == "a &lt; b"
    assert search.highlight("国庆" * 3, "x" * 10_000) == "国庆" * 3  # refused query: no marks


def test_highlighting_segments_only_the_runs_that_hold_a_word_and_finds_the_same(seed):
    # Marks come from segmenting only the runs between separators that hold a query word: the
    # whole text segmented at once must give exactly the same words.
    from articles.search import lexicon
    from articles.search.highlight import _match_spans
    from articles.search.text import normalize, tokenize

    texts = [article.body for article in seed.values()] + ["湖州政法委，湖州市委政法委。政法"]
    for query in ["湖州", "政法委", "王宝龙", "安保 维稳", '"排查见底"', "平安 湖州市"]:
        parsed = search.parse_query(query)
        terms = lexicon.current().expand(parsed.terms)
        for text in texts:
            words = sorted({(s, e) for w, s, e in tokenize(normalize(text)) if w in terms})
            merged = []
            for start, end in words:
                if merged and start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                else:
                    merged.append((start, end))
            assert _match_spans(text, parsed) == merged, (query, text[:20])
    assert search.highlight("湖州政法委，湖州市委政法委。", "政法委") == (
        "湖州<mark>政法委</mark>，湖州市委<mark>政法委</mark>。"
    )


def test_snippet_is_cut_around_the_best_match(seed):
    body = seed[3].body
    excerpt = search.snippet(body, "王宝龙", length=60)
    assert "<mark>王宝龙</mark>" in excerpt
    assert excerpt.startswith("…")
    assert len(excerpt.replace("<mark>", "").replace("</mark>", "")) <= 62
    assert search.snippet("短文。", "国庆") == "短文。"


@pytest.mark.parametrize("query", ["", "   ", "\x00", '"* ( ) : ^', "？！。"])
def test_empty_query_shows_help(client, seed, query):
    response = client.get("/search/", {"q": query})
    main = html(response).select_one("main#main")
    assert "输入要找的字词" in text_of(main)
    assert main.select("article.card") == []


def test_no_results_says_so_and_suggests(client, seed):
    main = html(client.get("/search/", {"q": "国庆 火星", "tag": "国庆"})).select_one("main#main")
    assert "没有找到" in text_of(main)
    links = {a.get_text(): a["href"] for a in main.select(".search-help a")}
    assert "只搜“国庆”" in links and "去掉筛选条件" in links
    assert main.select("article.card") == []


def test_long_query_is_refused_with_400(client, seed):
    response = client.get("/search/", {"q": "国庆" * 5_000})
    assert response.status_code == 400
    assert "太长" in response.content.decode()
    with pytest.raises(search.InvalidQuery):
        Article.objects.search("国庆" * 5_000)


@pytest.mark.parametrize(
    "query_string",
    ["q=%ED%A0%80", "q=%00%00", "q=%FF%FE", "q=" + "%22" * 150, "q=%E5%9B%BD%E5%BA%86&page=x"],
)
def test_hostile_query_strings_never_fail(client, seed, query_string):
    response = client.get("/search/", QUERY_STRING=query_string)
    assert response.status_code in (200, 400, 404)


def test_unknown_filter_or_page_is_404(client, seed):
    assert client.get("/search/", {"q": "湖州", "reporter": "nobody"}).status_code == 404
    for name in ("reporter", "district", "tag"):
        response = client.get("/search/", QUERY_STRING=f"q=%E6%B9%96%E5%B7%9E&{name}=%00")
        assert response.status_code == 404
    assert client.get("/search/", {"q": "湖州", "page": 99}).status_code == 404


# --- The index stays current -----------------------------------------------------------------


def test_edit_reindexes(seed):
    article = seed[2]
    article.headline = "数字赋能打破壁垒 湖州首创智慧执行平台"
    article.save()
    assert found("智慧执行") == [2]


def test_byline_and_reporter_changes_reindex(seed):
    reporter = Reporter.objects.create(name="林小溪")
    Byline.objects.create(article=seed[4], reporter=reporter, role="staff_reporter", order=2)
    assert found("林小溪") == [4]
    reporter.name = "林晓曦"
    reporter.save()
    assert found("林晓曦") == [4]
    assert found("林小溪") == []
    seed[4].bylines.filter(reporter=reporter).delete()
    assert found("林晓曦") == []


def test_tag_and_district_changes_reindex(seed):
    seed[2].tags.add("智慧法院")
    assert found("智慧法院") == [2]
    seed[2].tags.remove("智慧法院")
    assert found("智慧法院") == []
    seed[3].districts.add(Region.objects.get(slug="anji"))
    assert sorted(found("安吉县")) == [1, 3]
    Region.objects.get(slug="anji").articles.remove(seed[3])
    assert found("安吉县") == [1]
    tag = Tag.objects.get(name="反诈")
    tag.name = "反电诈"
    tag.save()
    assert found("反电诈") == [3]


def test_delete_removes_from_index(seed):
    seed[4].delete()
    assert found("征文") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_search")
            assert cursor.fetchone()[0] == 3


def test_imported_page_is_indexed(tmp_path):
    page = Path(tmp_path) / "page.txt"
    page.write_text(SEED_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    call_command("import_page", str(page), "--date", "2021-09-30", verbosity=0)
    assert sorted(found("曹凯琳")) == [1, 3, 4]
    assert found("反邪教") == [3]


def test_rebuild_search_index(seed, capsys):
    search.clear_index()
    assert found("国庆") == []
    call_command("rebuild_search_index", batch_size=3)
    output = capsys.readouterr().out
    assert "4/4" in output and "重建" in output
    assert found("国庆") == [1]
    assert sorted(found("曹凯琳")) == [1, 3, 4]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RUM indexes are PostgreSQL's")
def test_rebuilding_the_index_rebuilds_the_rum_indexes(seed):
    # A rewritten story leaves its old entries' space in a RUM index: the rebuild gives it back
    # by building each index anew (new files), as fresh as after the migration.
    before = rum_index_files()
    call_command("rebuild_search_index", verbosity=0)
    after = rum_index_files()
    assert sorted(after) == ["article_search_recency_idx", "article_title_recency_idx"]
    assert all(after[name] != before[name] for name in after)
    assert sorted(found("曹凯琳")) == [1, 3, 4]


# --- The package's interface ----------------------------------------------------------------


def test_count_says_whether_it_is_an_estimate(seed):
    assert search.count(Article.objects.all(), "湖州") == (4, False)
    assert search.count(Article.objects.all(), search.parse_query("火星探测器")) == (0, False)
    reporter = Reporter.objects.get(slug="cao-kailin")
    assert search.count(Article.objects.filter_by(reporter=reporter), "湖州").number == 3


def test_result_counts_read_in_chinese():
    from articles.templatetags.search_results import story_count

    assert story_count(search.ResultCount(4)) == "4 篇"
    assert story_count(search.ResultCount(12345)) == "12,345 篇"
    assert story_count(search.ResultCount(98134, estimated=True)) == "约 9.8 万篇"
    assert story_count(search.ResultCount(100000, estimated=True)) == "约 10 万篇"
    assert story_count(search.ResultCount(1500, estimated=True)) == "约 1,500 篇"


def test_a_search_page_parses_its_query_once(client, seed, monkeypatch):
    from articles.search import query

    parsed = []
    clean_input = query.clean_input
    monkeypatch.setattr(query, "clean_input", lambda text: parsed.append(text) or clean_input(text))
    response = client.get("/search/", {"q": "湖州 政法"})
    assert len(card_positions(response, seed)) == 4
    assert parsed == ["湖州 政法"]


def test_highlight_and_snippet_take_a_parsed_query():
    parsed = search.parse_query("政法委")
    assert search.highlight("湖州政法委", parsed) == "湖州<mark>政法委</mark>"
    assert search.snippet("湖州政法委。", parsed) == "湖州<mark>政法委</mark>。"


# --- Pinyin ----------------------------------------------------------------------------------

# (query, the name offered, the stories shown: the pinyin finds nothing itself)
PINYIN_QUERIES = [
    ("caokailin", "曹凯琳", [1, 3, 4]),  # a reporter
    ("cao kailin", "曹凯琳", [1, 3, 4]),
    ("Cao-Kailin", "曹凯琳", [1, 3, 4]),
    ("Nanxun", "南浔区", [1]),  # a region, by its slug
    ("nanxunqu", "南浔区", [1]),
    ("xiawenxing", "夏文星", [1, 2]),  # a dictionary entry
    ("gaofei", "高飞", [1, 2]),
]


@pytest.mark.parametrize("query, name, expected", PINYIN_QUERIES)
def test_a_pinyin_query_shows_the_name_it_spells(client, seed, query, name, expected):
    response = client.get("/search/", {"q": query})
    main = html(response).select_one("main#main")
    assert sorted(card_positions(response, seed)) == expected
    assert f"以下是“{name}”的检索结果" in text_of(main)
    assert text_of(main.select_one("h1")) == f"“{name}”的检索结果"
    assert html(response).select_one("input[name=q]")["value"] == query
    marks = {mark.get_text() for mark in main.select(".card__snippet mark")}
    assert marks <= {name, name.removesuffix("区")}


def test_a_pinyin_query_that_finds_stories_itself_offers_the_name(client, seed):
    story = Article.objects.get(position=2)
    story.body += "\n\n记者 Nanxun 报道。"
    story.save()
    response = client.get("/search/", {"q": "Nanxun", "tag": "执行难"})
    main = html(response).select_one("main#main")
    assert sorted(card_positions(response, seed)) == [2]
    offer = main.select_one(".search-did-you-mean")
    assert text_of(offer) == "您要找的是：南浔区？"
    assert offer.a["href"] == "?q=%E5%8D%97%E6%B5%94%E5%8C%BA&tag=%E6%89%A7%E8%A1%8C%E9%9A%BE"


@pytest.mark.parametrize("query", ["xyzzy", "cao", "caokailinx", "国庆", "c4okailin"])
def test_no_pinyin_offer_for_what_spells_no_name(client, seed, query):
    main = html(client.get("/search/", {"q": query})).select_one("main#main")
    assert main.select(".search-did-you-mean, .search-instead") == []


def test_a_search_page_runs_a_fixed_number_of_queries(client, seed, django_assert_num_queries):
    # The archive's generation (read with the dictionary's version), the count, the page of
    # stories, their cards (bylines, districts, tags), then one for the facets beside them.
    with django_assert_num_queries(5 + planner_queries(1)):
        client.get("/search/", {"q": "湖州"})
    # caokailin found nothing: the name it spells is searched and counted too.
    with django_assert_num_queries(6 + planner_queries(2)):  # two searches
        client.get("/search/", {"q": "caokailin"})


# --- Highlights everywhere a match is shown (issue 12) ---------------------------------------

# (query, where on the card, the words marked there)
HIGHLIGHTS = [
    ("曹凯琳", ".card__bylines", {"曹凯琳"}),  # a byline: nothing else holds her name
    ("政法委", ".card__headline", {"政法委"}),
    ("维稳", ".card__kicker", {"维稳"}),
    ("反诈", ".card__tags", {"反诈"}),  # a tag
    ("执行难", ".card__tags", {"执行难"}),
    ("國慶", ".card__kicker", {"国庆"}),  # Traditional in, the printed text marked
    ("國慶", ".card__snippet", {"国庆"}),
    ('"平安南太湖"', ".card__snippet", {"平安南太湖"}),  # adjacent words: one mark
    ("湖州 征文", ".card__headline", {"湖州", "征文"}),
]


@pytest.mark.parametrize("query, where, marked", HIGHLIGHTS)
@pytest.mark.parametrize("path", ["/search/", "/articles/", "/reporters/cao-kailin/"])
def test_matches_are_highlighted_wherever_they_are_shown(client, seed, path, query, where, marked):
    main = html(client.get(path, {"q": query})).select_one("main#main")
    cards = main.select("article.card")
    if path.startswith("/reporters/") and query in ("执行难", '"平安南太湖"'):
        return  # none of her stories
    assert cards
    assert {mark.get_text() for mark in main.select(f"{where} mark")} == marked


def test_no_marks_without_a_query(client, seed):
    assert html(client.get("/articles/?reporter=cao-kailin")).select("mark") == []


def test_the_subheadline_is_shown_and_highlighted_when_searching(client, seed):
    Article.objects.filter(pk=seed[4].pk).update(subheadline="全市政法干警踊跃投稿")
    search.index_articles([seed[4].pk])
    card = html(client.get("/search/", {"q": "投稿"})).select_one("main article.card")
    assert [m.get_text() for m in card.select(".card__subheadline mark")] == ["投稿"]


def test_markup_in_stored_text_is_escaped_before_marking(client, seed):
    Article.objects.filter(pk=seed[3].pk).update(
        headline="<img src=x onerror=alert(1)>反诈 & 政法", kicker="<b>宣传</b>"
    )
    search.index_articles([seed[3].pk])
    seed[3].tags.add("<i>反诈</i>")
    content = client.get("/search/", {"q": "反诈 宣传"}).content.decode()
    assert "<img" not in content and "<b>" not in content and "<i>" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>反诈</mark> &amp; 政法" in content
    assert "&lt;b&gt;<mark>宣传</mark>&lt;/b&gt;" in content
    assert "&lt;i&gt;<mark>反诈</mark>&lt;/i&gt;" in content


def test_the_api_gives_every_shown_field_escaped_and_marked(client, seed):
    Article.objects.filter(pk=seed[3].pk).update(kicker="<b>反诈</b>宣传")
    search.index_articles([seed[3].pk])
    result = client.get("/api/articles/", {"q": "反诈 曹凯琳"}).json()["results"][0]
    assert result["kicker"] == "<b>反诈</b>宣传"  # the stored text, as stored
    assert result["kicker_html"] == "&lt;b&gt;<mark>反诈</mark>&lt;/b&gt;宣传"
    assert "<mark>反诈</mark>" in result["headline_html"]
    assert result["subheadline_html"] == ""
    assert [b["name_html"] for b in result["bylines"]] == ["<mark>曹凯琳</mark>"]
    tags = {t["name"]: t["name_html"] for t in result["tags"]}
    assert tags["反诈"] == "<mark>反诈</mark>" and tags["政法"] == "政法"
    assert "<mark>" not in result["snippet_html"]  # the body does not say 反诈 or her name
    plain = client.get("/api/articles/").json()["results"][0]
    assert plain["headline_html"] is None and plain["bylines"][0]["name_html"] is None


# --- Dates, sorting and facets with a search (issue 12; more in test_listing_params.py and
# test_facets.py) ----------------------------------------------------------------------------

# (parameters, the stories found in order), with reports 1-4 dated 2019, 2020, 2021, 2021
DATED = {1: "2019-03-15", 2: "2020-02-29", 3: "2021-09-01", 4: "2021-09-30"}
WITH_PARAMS = [
    ({"q": "湖州", "sort": "newest"}, [4, 3, 2, 1]),
    ({"q": "湖州", "sort": "oldest"}, [1, 2, 3, 4]),
    ({"q": "政法委", "sort": "relevance"}, [3, 4, 2, 1]),  # 3 and 4: 政法 in the headline
    ({"q": "湖州", "from": "2021", "sort": "oldest"}, [3, 4]),
    ({"q": "湖州", "to": "2020-02", "sort": "newest"}, [2, 1]),
    ({"q": "曹凯琳", "from": "2019-03-15", "to": "2019-03-15"}, [1]),
    ({"q": "国庆", "from": "2020"}, []),
    ({"q": "书记", "to": "2021-09-01", "sort": "oldest"}, [1, 2]),
    ({"q": "湖州", "reporter": "cao-kailin", "from": "2021", "sort": "oldest"}, [3, 4]),
]


@pytest.mark.parametrize("params, expected", WITH_PARAMS)
def test_search_with_dates_and_order(client, seed, params, expected):
    for position, day in DATED.items():
        Article.objects.filter(pk=seed[position].pk).update(published_on=day)
    found = card_positions(client.get("/search/", params), seed)
    if params.get("sort") == "relevance":
        assert found[:2] in ([3, 4], [4, 3]) and sorted(found) == sorted(expected)
    else:
        assert found == expected
