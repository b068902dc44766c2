"""Facets beside search results and filtered listings (articles/facets.py): counts by
district, reporter, tag and time, links that narrow, the SVG timeline, and a fixed number of
queries however many stories there are."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles import facets
from articles.listing import ListingParams
from articles.models import Article, Byline, Region, Reporter

from .conftest import forget_pages, html, planner_queries, text_of

pytestmark = pytest.mark.django_db


def facet(page, title):
    """{label: (count, link)} of one facet section, by its heading."""
    aside = page.select_one("aside.facets")
    for section in aside.select("section.facets__section"):
        if text_of(section.h3) == title:
            return {
                text_of(li.a).rstrip(" ×"): (text_of(li.select_one(".count")), li.a["href"])
                for li in section.select("li")
            }
    return None


def test_search_results_have_facets_outside_main(client, seed):
    page = html(client.get("/search/", {"q": "曹凯琳"}))
    aside = page.select_one("aside.facets")
    assert aside is not None and aside.find_parent("main") is None
    assert page.select_one("main").select("aside, svg") == []
    assert facet(page, "记者") == {
        "曹凯琳": ("3", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=cao-kailin"),
        "徐冬梅": ("1", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=xu-dongmei"),
        "高飞": ("1", "?q=%E6%9B%B9%E5%87%AF%E7%90%B3&reporter=gao-fei"),
    }
    districts = facet(page, "地区")
    assert districts["湖州市"][0] == "3"  # the city counts its districts' stories too
    assert districts["南浔区"][0] == "1"
    tags = facet(page, "标签")
    assert tags["政法"][0] == "2" and "反邪教" in tags
    assert len(tags) == 10  # the ten most common


def test_a_facet_link_adds_its_filter(client, seed):
    page = html(client.get("/search/", {"q": "曹凯琳"}))
    _, link = facet(page, "标签")["政法"]
    narrowed = html(client.get(f"/search/{link}"))
    assert len(narrowed.select("main article.card")) == 2
    chips = [text_of(a) for a in narrowed.select("nav.active-filters a")]
    assert chips == ["标签：政法 ×"]
    # The chosen value is marked and links back out.
    count, back = facet(narrowed, "标签")["政法"]
    assert count == "2" and back == "?q=%E6%9B%B9%E5%87%AF%E7%90%B3"
    assert narrowed.select_one("aside.facets a[aria-current]") is not None


def test_filtered_listings_have_facets_without_their_own_dimension(client, seed):
    page = html(client.get("/reporters/cao-kailin/"))
    assert facet(page, "记者") is None  # the page is one reporter's already
    assert facet(page, "标签")["政法"][0] == "2"
    assert facet(page, "地区")["长兴县"] == ("1", "?district=changxing")
    assert html(client.get("/articles/?tag=政法")).select_one("aside.facets") is not None


def test_a_story_counts_once_for_its_city_and_its_reporter(client, seed):
    # The first report names all six districts of 湖州市 and, here, one reporter twice.
    Byline.objects.create(
        article=seed[1], reporter=Reporter.objects.get(slug="cao-kailin"), role="photographer"
    )
    page = html(client.get("/articles/", {"from": "0001"}))
    districts = {label: count for label, (count, _) in facet(page, "地区").items()}
    assert districts == {
        "湖州市": "4",
        "吴兴区": "1",
        "南浔区": "1",
        "德清县": "1",
        "长兴县": "1",
        "安吉县": "1",
        "南太湖新区": "1",
    }
    assert facet(page, "记者")["曹凯琳"][0] == "3"


def test_the_unfiltered_listing_keeps_only_the_browsing_sidebar(client, seed):
    page = html(client.get("/articles/"))
    assert page.select_one("aside.facets") is None
    assert page.select_one("aside.sidebar") is not None


def test_no_results_no_facets(client, seed):
    assert html(client.get("/search/", {"q": "火星探测器"})).select_one("aside.facets") is None


def test_years_are_a_timeline_with_a_text_fallback(client, dated):
    page = html(client.get("/search/", {"q": "湖州"}))
    assert facet(page, "按年份") == {
        "2019年": ("1", "?q=%E6%B9%96%E5%B7%9E&from=2019&to=2019"),
        "2020年": ("1", "?q=%E6%B9%96%E5%B7%9E&from=2020&to=2020"),
        "2021年": ("2", "?q=%E6%B9%96%E5%B7%9E&from=2021&to=2021"),
    }
    svg = page.select_one("aside.facets svg.timeline")
    assert svg["aria-hidden"] == "true"  # the list after it says the same, as text
    bars = svg.select("a")
    assert [a["href"] for a in bars] == [
        "?q=%E6%B9%96%E5%B7%9E&from=2019&to=2019",
        "?q=%E6%B9%96%E5%B7%9E&from=2020&to=2020",
        "?q=%E6%B9%96%E5%B7%9E&from=2021&to=2021",
    ]
    assert all(a["tabindex"] == "-1" for a in bars)
    assert [text_of(a.title) for a in bars] == ["2019年：1 篇", "2020年：1 篇", "2021年：2 篇"]
    heights = [float(a.select_one("rect.timeline__bar")["height"]) for a in bars]
    assert heights[0] == heights[1] == heights[2] / 2 and heights[2] > 0
    assert page.select("script:not([type='application/ld+json'])") == []


def test_within_one_year_the_timeline_is_by_month(client, dated):
    page = html(client.get("/articles/", {"from": "2021"}))
    months = facet(page, "按月份")
    assert months == {"2021年9月": ("2", "?from=2021-09&to=2021-09")}
    bars = page.select("aside.facets svg.timeline a")
    assert len(bars) == 12 and bars[8]["href"] == "?from=2021-09&to=2021-09"
    # Following a bar narrows to that month.
    assert len(html(client.get(f"/articles/{bars[8]['href']}")).select("main .card")) == 2


def test_a_year_one_story_does_not_draw_two_thousand_bars(client, dated):
    Article.objects.filter(pk=dated[1].pk).update(published_on="0001-01-01")
    page = html(client.get("/search/", {"q": "湖州"}))
    assert list(facet(page, "按年份")) == ["1年", "2020年", "2021年"]
    assert len(page.select("aside.facets svg.timeline a")) == 3


def test_facets_escape_what_editors_store(client, seed):
    seed[3].tags.add("<b>标签</b>")
    response = client.get("/search/", {"q": "反邪教"})
    assert "<b>标签</b>" not in response.content.decode()
    assert "<b>标签</b>" in facet(html(response), "标签")


def test_a_large_result_is_counted_on_a_sample_and_says_so(client, seed, monkeypatch):
    call_command("generate_corpus", "--articles", "40", "--seed", "3", verbosity=0)
    monkeypatch.setattr(facets, "EXACT_LIMIT", 10)
    monkeypatch.setattr(facets, "SAMPLE_TARGET", 10)
    page = html(client.get("/articles/", {"from": "2012"}))
    aside = page.select_one("aside.facets")
    assert "抽样估计" in text_of(aside)
    years = facet(page, "按年份")
    assert all(count.startswith("约 ") for count, _ in years.values())
    total = sum(int(count.removeprefix("约 ")) for count, _ in years.values())
    assert abs(total - 44) <= len(years)  # scaled to the whole, give or take rounding


def test_exact_counts_below_the_limit(client, seed):
    call_command("generate_corpus", "--articles", "40", "--seed", "3", verbosity=0)
    page = html(client.get("/articles/", {"from": "0001"}))
    assert "抽样" not in text_of(page.select_one("aside.facets"))
    years = facet(page, "按年份")
    assert sum(int(count) for count, _ in years.values()) == 44


# The same number of queries for 4 stories and for 44: nothing is fetched per story or per
# facet value. (Count the queries, then read the literal: do not replace it with a measurement.)
PAGES = [
    # url, queries: the archive's generation (with a search, read with the dictionary's
    # version), the filters' objects, the page's own (the count, the page and its cards),
    # then one for the facets (all of them; the id range too when sampling, past 3,000
    # results, once per counts generation). A listing's count is cached by counts generation,
    # so warm it is not counted; a region's districts are a subquery. The facets themselves
    # are cached per listing too: not here, so that they are counted. (On PostgreSQL a
    # search asks the planner, once, how common its words are and what share of the stories
    # it searches: search.backends._ask_planner.)
    ("/search/?q=湖州", 5 + planner_queries(1)),
    ("/search/?q=湖州&sort=oldest&from=2012&reporter=cao-kailin", 6 + planner_queries(1)),
    ("/articles/?tag=政法&from=2012", 5),
    ("/reporters/cao-kailin/?sort=oldest", 5),
    ("/articles/?q=湖州&district=huzhou", 6 + planner_queries(1)),
]


@pytest.mark.parametrize("url, queries", PAGES)
def test_pages_with_facets_run_a_fixed_number_of_queries(
    client, seed, url, queries, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(facets, "CACHE_SECONDS", 0)  # kept for no time: counted every time
    for stories in (4, 44):
        if stories == 44:
            call_command("generate_corpus", "--articles", "40", "--seed", "3", verbosity=0)
        # Warm: the content type cache, the segmenter's dictionary, the cached sidebar.
        client.get(url)
        forget_pages()
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        assert html(response).select_one("aside.facets") is not None


def test_every_page_of_a_listing_shares_its_facets_until_what_they_count_changes(
    client, seed, django_assert_num_queries
):
    call_command("generate_corpus", "--articles", "40", "--seed", "3", verbosity=0)
    url = "/districts/huzhou/"
    first = facet(html(client.get(url)), "记者")
    # Page 2: the generation, the region, the page and its cards; no facet query, and the
    # count was kept too.
    with django_assert_num_queries(4):
        second = html(client.get(url, {"page": 2}))
    assert facet(second, "记者") == first
    # A corrected headline changes no count: the facets stay. A new byline does change them.
    cao = Reporter.objects.get(slug="cao-kailin")
    region = Region.objects.get(slug="huzhou")
    story = Article.objects.of(region).exclude(bylines__reporter=cao).first()
    story.headline = "改过的标题"
    story.save()
    forget_pages()
    assert facet(html(client.get(url)), "记者") == first
    story.bylines.create(reporter=cao, role="reporter")
    count, _ = facet(html(client.get(url)), "记者")["曹凯琳"]
    assert int(count) == int(first["曹凯琳"][0]) + 1


def test_a_search_s_facets_follow_a_corrected_text(client, seed):
    story = seed[1]
    story.tags.remove("平安建设")  # so that only its text holds the word
    search = lambda: facet(html(client.get("/search/", {"q": "平安"})), "按月份")  # noqa: E731
    assert search()["2021年9月"][0] == "3"
    story.body = "没有那个词。"
    story.save()  # moves the generation only: its counts generation stays
    assert search()["2021年9月"][0] == "2"


@pytest.mark.parametrize("url", ["/reporters/xu-dongmei/", "/districts/huzhou/", "/tags/政法/"])
def test_a_one_filter_sample_read_from_its_links_is_the_grid_s_sample(
    client, seed, monkeypatch, url
):
    # A listing of one filter may take its sample from its links rather than by looking the
    # grid's ids up (facets.sampled): the same stories either way, so the same estimates.
    call_command("generate_corpus", "--articles", "60", "--seed", "3", verbosity=0)
    monkeypatch.setattr(facets, "EXACT_LIMIT", 10)
    monkeypatch.setattr(facets, "SAMPLE_TARGET", 5)
    monkeypatch.setattr(facets, "CACHE_SECONDS", 0)

    def shown(link_scan):
        monkeypatch.setattr(facets, "LINK_SCAN", link_scan)
        forget_pages()
        with CaptureQueriesContext(connection) as queries:
            page = html(client.get(url))
        assert "抽样估计" in text_of(page.select_one("aside.facets"))
        sample = next(q["sql"] for q in queries if "counted(id, month)" in q["sql"])
        assert ("MOD(" in sample) == bool(link_scan)  # the links on the grid, or the grid
        return [facet(page, title) for title in ("记者", "地区", "标签", "按年份")]

    assert shown(link_scan=0) == shown(link_scan=10**6)


def test_a_search_s_sample_is_its_matches_on_the_grid(seed, monkeypatch):
    # A search's sample is taken from its index (facets.sampled): the same stories a listing's
    # grid would look up, the matches whose id is a multiple of the grid's step.
    call_command("generate_corpus", "--articles", "60", "--seed", "3", verbosity=0)
    monkeypatch.setattr(facets, "EXACT_LIMIT", 10)
    monkeypatch.setattr(facets, "SAMPLE_TARGET", 5)
    params = ListingParams.parse({"q": "湖州"})
    matches = set(params.matching_articles().values_list("pk", flat=True))
    first, last, step = facets.sample_grid(len(matches))
    assert step in (2, 4, 8, 16) and first % step == 0
    sample = set(facets.sampled(params, len(matches), (first, last, step)).values_list("pk"))
    assert {pk for (pk,) in sample} == {pk for pk in matches if pk % step == 0} != set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's search is FTS5")
def test_the_search_index_finds_a_search_s_sample_by_itself(seed):
    # The condition must be written as migration 0015 wrote the index, or PostgreSQL tests the
    # match on every story the words are in, reading each one's search vector.
    params = ListingParams.parse({"q": "湖州"})
    sample = facets.sampled(params, 10_000, (0, 10**6, 64)).values("pk")
    sql, sql_params = sample.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # four stories: a scan would do
        # The RUM index of migration 0016 answers the words alone; with four stories the
        # planner finds it as good (at 100,000 it takes this one). Dropped until rollback.
        cursor.execute("DROP INDEX article_search_recency_idx")
        cursor.execute("EXPLAIN " + sql, sql_params)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "search_vector @@" in index_condition and "(id & (- id)) >= '64'" in index_condition
