"""Browsing like a reader: reporters, districts, tags, combined filters, date archives."""

import pytest
from django.core.management import call_command

from tests.conftest import clear_caches, html, text_of

pytestmark = pytest.mark.django_db


def positions(response):
    """The seed positions of the stories listed in <main>, in order."""
    from articles.models import Article

    page = html(response)
    ids = [
        int(a["href"].rstrip("/").rsplit("/", 1)[1]) for a in page.select("main .card__headline a")
    ]
    by_id = dict(Article.objects.filter(pk__in=ids).values_list("pk", "position"))
    return [by_id[i] for i in ids]


def test_home_lists_the_latest_stories(client, seed):
    assert sorted(positions(client.get("/"))) == [1, 2, 3, 4]


def test_the_article_list_is_newest_first_and_paginated(client, seed):
    from articles.models import Article

    Article.objects.filter(position=3).update(published_on="2021-10-01")
    assert positions(client.get("/articles/"))[0] == 3


def test_reporters_with_their_story_counts(client, seed):
    page = html(client.get("/reporters/"))
    counts = {
        text_of(li.select_one("a")): text_of(li.select_one(".count"))
        for li in page.select("main li")
    }
    assert counts == {"徐冬梅": "1 篇", "曹凯琳": "3 篇", "高飞": "2 篇"}


@pytest.mark.parametrize(
    "slug, expected", [("xu-dongmei", [1]), ("cao-kailin", [1, 3, 4]), ("gao-fei", [1, 2])]
)
def test_a_reporters_page_lists_their_stories(client, seed, slug, expected):
    assert sorted(positions(client.get(f"/reporters/{slug}/"))) == expected


def test_a_reporters_page_shows_the_role_they_had_on_each_story(client, seed):
    page = html(client.get("/reporters/cao-kailin/"))
    bylines = [text_of(p) for p in page.select("main .card__bylines")]
    assert "本报记者 徐冬梅 见习记者 曹凯琳 通讯员 高飞" in bylines
    assert bylines.count("见习记者 曹凯琳") == 2


def test_districts_with_counts_and_huzhou_including_its_districts(client, seed):
    page = html(client.get("/districts/"))
    counts = {
        text_of(li.select_one("a")): text_of(li.select_one(".count"))
        for li in page.select("main li")
    }
    assert counts == {
        "湖州市": "4 篇",
        "吴兴区": "1 篇",
        "南浔区": "1 篇",
        "德清县": "1 篇",
        "长兴县": "1 篇",
        "安吉县": "1 篇",
        "南太湖新区": "1 篇",
    }


def test_a_story_naming_the_city_and_its_district_counts_once_for_the_city(client, seed):
    from articles.models import Region

    city = Region.objects.get(slug="huzhou")
    for story in seed.values():
        story.districts.add(city)
    counts = {r.slug: r.story_count for r in Region.objects.with_story_counts()}
    assert counts["huzhou"] == 4 and counts["nanxun"] == 1
    facets = html(client.get("/reporters/cao-kailin/")).select_one("aside.facets")
    assert "湖州市 3" in text_of(facets)  # her three stories, each once


@pytest.mark.parametrize("slug", ["wuxing", "nanxun", "deqing", "changxing", "anji", "nantaihu"])
def test_each_of_the_six_districts_lists_report_one(client, seed, slug):
    assert positions(client.get(f"/districts/{slug}/")) == [1]


def test_huzhou_lists_its_own_and_its_districts_stories(client, seed):
    assert sorted(positions(client.get("/districts/huzhou/"))) == [1, 2, 3, 4]


def test_tags_with_counts_and_a_tag_page(client, seed):
    page = html(client.get("/tags/"))
    counts = {
        text_of(a).rsplit(" ", 1)[0]: int(text_of(a.select_one(".count")))
        for a in page.select("main li a")
    }
    assert counts["政法"] == 3 and counts["国庆"] == 1
    assert len(counts) >= 6
    assert sorted(positions(client.get("/tags/政法/"))) == [2, 3, 4]
    assert positions(client.get("/tags/%E5%9B%BD%E5%BA%86/")) == [1]  # 国庆, percent-encoded


@pytest.mark.parametrize(
    "query, expected",
    [
        ("reporter=cao-kailin&district=nanxun", [1]),
        ("reporter=cao-kailin&tag=政法", [3, 4]),
        ("reporter=gao-fei&district=huzhou", [1, 2]),
        ("reporter=gao-fei&tag=反邪教", []),
        ("district=huzhou&tag=政法&reporter=cao-kailin", [3, 4]),
        ("tag=国庆&district=anji", [1]),
    ],
)
def test_filters_combine(client, seed, query, expected):
    assert sorted(positions(client.get(f"/articles/?{query}"))) == expected


def test_a_url_filter_combines_with_query_filters(client, seed):
    assert positions(client.get("/reporters/cao-kailin/?district=nanxun")) == [1]


def test_active_filters_are_shown_and_each_removes_with_one_click(client, seed):
    page = html(client.get("/articles/?reporter=cao-kailin&tag=政法"))
    chips = {text_of(a): a["href"] for a in page.select("nav.active-filters a")}
    assert set(chips) == {"记者：曹凯琳 ×", "标签：政法 ×"}
    assert chips["记者：曹凯琳 ×"] == "?tag=%E6%94%BF%E6%B3%95"
    assert chips["标签：政法 ×"] == "?reporter=cao-kailin"


def test_pagination_keeps_the_other_parameters(client, seed, monkeypatch):
    from articles import views

    monkeypatch.setattr(views.ArticleListView, "paginate_by", 1)
    page = html(client.get("/articles/?tag=政法&reporter=cao-kailin"))
    next_link = page.select_one("nav.pagination a[rel=next]")["href"]
    assert "tag=%E6%94%BF%E6%B3%95" in next_link and "reporter=cao-kailin" in next_link
    assert "page=2" in next_link
    assert len(positions(client.get("/articles/?tag=政法&reporter=cao-kailin&page=2"))) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/reporters/nobody/",
        "/districts/atlantis/",
        "/tags/不存在的标签/",
        "/articles/?reporter=nobody",
        "/articles/?district=atlantis&reporter=cao-kailin",
        "/articles/?page=99",
        "/articles/?page=abc",
        "/articles/?page=0",
        "/articles/999999/",
        "/archive/2019/",
        "/archive/2021/13/",
        "/archive/2021/08/",
        "/archive/9999/",
        "/articles/?reporter=%00",
        "/articles/?district=nan%00xun",
        "/articles/?tag=%E6%94%BF%00",
        "/articles/?tag=%ED%A0%80",
    ],
)
def test_what_does_not_exist_is_a_friendly_404(client, seed, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()


def test_date_archives(client, seed):
    assert sorted(positions(client.get("/archive/2021/"))) == [1, 2, 3, 4]
    assert sorted(positions(client.get("/archive/2021/09/"))) == [1, 2, 3, 4]
    page = html(client.get("/archive/2021/09/"))
    assert text_of(page.select_one("main h1")) == "2021年9月的稿件"


def test_a_story_links_its_date_bylines_districts_and_tags(client, seed):
    page = html(client.get(seed[1].get_absolute_url()))
    story = page.select_one("main article")
    assert story.select_one(".story__date a")["href"] == "/archive/2021/09/"
    assert [a["href"] for a in story.select(".story__byline a")] == [
        "/reporters/xu-dongmei/",
        "/reporters/cao-kailin/",
        "/reporters/gao-fei/",
    ]
    assert len(story.select(".story__districts a")) == 6
    for link in story.select(".story__districts a, .story__tags a"):
        assert client.get(link["href"]).status_code == 200


def test_previous_and_next_on_the_same_page_of_the_paper(client, seed):
    page = html(client.get(seed[2].get_absolute_url()))
    nav = page.select_one("nav.story__nav")
    assert nav.select_one("a[rel=prev]")["href"] == seed[1].get_absolute_url()
    assert nav.select_one("a[rel=next]")["href"] == seed[3].get_absolute_url()
    first = html(client.get(seed[1].get_absolute_url())).select_one("nav.story__nav")
    assert first.select_one("a[rel=prev]") is None


def test_related_stories_share_tags_or_districts(client, seed):
    page = html(client.get(seed[3].get_absolute_url()))
    related = [a["href"] for a in page.select("aside.related a")]
    # Report 4 shares both 政法 and 湖州市 with report 3; report 2 too; report 1 shares nothing.
    assert related[:2] and set(related) == {seed[2].get_absolute_url(), seed[4].get_absolute_url()}


def test_a_listing_orders_the_bylines_of_its_page_without_touching_other_stories(
    client, seed, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/articles/")
    # The cards' query (articles/cards.py) reads the page's bylines by story id alone.
    byline_query = next(q["sql"] for q in queries if "articles_byline" in q["sql"])
    assert '"articles_article"' not in byline_query and "articles_article " not in byline_query
    page_query = next(
        q["sql"] for q in queries if 'FROM "articles_article"' in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "search_vector" not in page_query


def test_related_stories_come_from_around_the_same_time(client, seed):
    from articles.models import Article

    Article.objects.filter(pk=seed[4].pk).update(published_on="2019-06-01")
    Article.objects.filter(pk=seed[2].pk).update(published_on="2021-07-15")
    page = html(client.get(seed[3].get_absolute_url()))
    # Report 4 shares as much with report 3 but is two years older; report 2 is 11 weeks off.
    assert [a["href"] for a in page.select("aside.related a")] == [seed[2].get_absolute_url()]


def test_main_holds_only_the_listed_stories(client, seed):
    page = html(client.get("/articles/?reporter=cao-kailin"))
    main = page.select_one("main")
    assert len(main.select("article.card")) == 3
    assert main.select("nav, aside, form") == []
    # A narrowed listing's facets take the browsing sidebar's place (the same ways on, counted
    # among the stories listed); both are <aside>s beside <main>.
    assert page.select_one("aside.facets") is not None
    assert page.select_one("aside.sidebar") is None
    assert page.select_one("main").find_parent("aside") is None


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/articles/?reporter=cao-kailin&district=huzhou&tag=政法",
        "/reporters/cao-kailin/",
        "/districts/huzhou/",
        "/tags/政法/",
        "/archive/2021/",
        "/reporters/",
        "/districts/",
        "/tags/",
    ],
)
def test_listings_run_a_fixed_number_of_queries(client, seed, url, django_assert_num_queries):
    """The same number of queries for 4 stories and for 44: nothing is fetched per story."""

    def count_queries():
        clear_caches()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count_queries()
    call_command("generate_corpus", "--articles", "40", "--seed", "3", verbosity=0)
    many = count_queries()
    assert few == many
    with django_assert_num_queries(few):
        clear_caches()
        client.get(url)


def test_the_cached_sidebar_is_forgotten_when_a_story_changes(
    client, seed, django_capture_on_commit_callbacks
):
    from taggit.models import Tag

    sidebar = lambda: [text_of(a) for a in html(client.get("/")).select("aside .chips a")]  # noqa: E731
    assert "国庆" in sidebar()
    with django_capture_on_commit_callbacks(execute=True):
        tag = Tag.objects.get(name="国庆")
        tag.name = "国庆节"
        tag.save()
    assert "国庆节" in sidebar() and "国庆" not in sidebar()


def test_the_500_page_is_friendly_and_in_chinese(rf):
    from articles.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出了点问题" in response.content.decode()
