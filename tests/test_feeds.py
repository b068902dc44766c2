"""RSS feeds, the sitemap, robots.txt and the health check."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import forget_pages

pytestmark = pytest.mark.django_db


def rss_titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def test_the_latest_feed_lists_the_stories(client, seed):
    titles = rss_titles(client.get("/feeds/latest/"))
    assert sorted(titles) == sorted(a.headline for a in seed.values())


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/reporters/cao-kailin/feed/", [1, 3, 4]),
        ("/districts/nanxun/feed/", [1]),
        ("/districts/huzhou/feed/", [1, 2, 3, 4]),
        ("/tags/政法/feed/", [2, 3, 4]),
    ],
)
def test_a_pages_feed_lists_that_pages_stories(client, seed, url, expected):
    titles = rss_titles(client.get(url))
    assert sorted(titles) == sorted(seed[p].headline for p in expected)


def test_a_feed_item_carries_its_author_and_date(client, seed):
    root = ET.fromstring(client.get("/reporters/xu-dongmei/feed/").content)
    (item,) = root.iter("item")
    assert "徐冬梅、曹凯琳、高飞" in ET.tostring(item, encoding="unicode")
    assert "30 Sep 2021" in item.findtext("pubDate")


def test_an_unknown_pages_feed_is_a_404(client, seed):
    assert client.get("/reporters/nobody/feed/").status_code == 404


def test_the_sitemap_indexes_every_story_and_browsing_page(client, seed):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sections = [loc.text for loc in ET.fromstring(index.content).findall(".//s:loc", ns)]
    urls = []
    for section in sections:
        response = client.get(section.replace("http://testserver", ""))
        assert response.status_code == 200
        urls += [loc.text for loc in ET.fromstring(response.content).findall(".//s:loc", ns)]
    for article in seed.values():
        assert f"http://testserver{article.get_absolute_url()}" in urls
    assert "http://testserver/districts/nanxun/" in urls
    assert "http://testserver/reporters/gao-fei/" in urls


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


# --- Hostile and odd data, read by a real feed client --------------------------------------

HOSTILE = '<img src=x onerror="alert(1)"> 国庆 & 安保'


def parse(client, url):
    import feedparser

    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", ["/feeds/latest/", "/feeds/latest/atom/"])
def test_a_hostile_headline_reaches_a_feed_reader_as_text(client, seed, url):
    import html as html_module

    from articles.models import Article

    Article.objects.filter(pk=seed[1].pk).update(headline=HOSTILE, body=HOSTILE + "\n\n第二段")
    feed = parse(client, url)
    (entry,) = [e for e in feed.entries if e.link.endswith(f"/articles/{seed[1].pk}/")]
    # A reader renders the title and summary as HTML: they must hold no element at all,
    # only the escaped text that reads back as the headline.
    for value in (entry.title, entry.summary):
        assert "<img" not in value
        assert html_module.unescape(value) == HOSTILE


def test_atom_feeds_carry_the_same_stories(client, seed):
    rss = parse(client, "/reporters/cao-kailin/feed/")
    atom = parse(client, "/reporters/cao-kailin/feed/atom/")
    assert atom.version == "atom10" and rss.version == "rss20"
    assert [e.link for e in atom.entries] == [e.link for e in rss.entries]
    assert atom.feed.title == rss.feed.title == "湖州新闻档案 · 曹凯琳"
    assert atom.feed.subtitle == "湖州新闻档案中「曹凯琳」的最新稿件。"


def test_a_filtered_feed_looks_for_no_template(client, seed):
    # title_template names a template in Django's syndication framework; none is used here.
    from articles.feeds import FilteredArticlesFeed

    assert FilteredArticlesFeed.title_template is None
    assert parse(client, "/tags/政法/feed/").feed.title == "湖州新闻档案 · 政法"


def test_a_story_from_year_one_does_not_break_feeds_or_the_sitemap(client, seed):
    from articles.models import Article

    Article.objects.filter(pk=seed[2].pk).update(published_on="0001-01-01")
    for url in ("/feeds/latest/", "/feeds/latest/atom/", "/districts/huzhou/feed/"):
        assert len(parse(client, url).entries) == 4
    urls = sitemap_urls(client)
    assert "http://testserver/archive/1/" in urls
    assert "http://testserver/archive/1/01/" in urls


def test_a_tag_with_an_empty_slug_does_not_break_the_sitemap(client, seed):
    from taggit.models import Tag

    Tag.objects.create(name="……", slug="")
    seed[1].tags.add("……")
    urls = sitemap_urls(client)
    assert "http://testserver/tags/" in urls
    assert not any(url.endswith("/tags//") for url in urls)


# --- The sitemap ------------------------------------------------------------------------------

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    """{location: lastmod} over every sitemap file the index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    entries = {}
    for section in ET.fromstring(index.content).findall("s:sitemap", NS):
        assert section.findtext("s:lastmod", namespaces=NS)
        response = client.get(section.findtext("s:loc", namespaces=NS))
        assert response.status_code == 200
        for url in ET.fromstring(response.content).findall("s:url", NS):
            entries[url.findtext("s:loc", namespaces=NS)] = url.findtext("s:lastmod", namespaces=NS)
    return entries


def sitemap_urls(client):
    return set(sitemap_entries(client))


def test_the_sitemap_lists_every_kind_of_page_with_lastmod(client, seed):
    entries = sitemap_entries(client)
    expected = {
        *(f"http://testserver{a.get_absolute_url()}" for a in seed.values()),
        "http://testserver/",
        "http://testserver/reporters/cao-kailin/",
        "http://testserver/districts/huzhou/",
        "http://testserver/tags/%E6%94%BF%E6%B3%95/",
        "http://testserver/archive/2021/",
        "http://testserver/archive/2021/09/",
    }
    assert expected <= set(entries)
    assert all(entries.values()), [url for url, lastmod in entries.items() if not lastmod]


def test_a_sitemap_lastmod_is_the_newest_change_it_lists(client, seed):
    from articles.models import Article

    Article.objects.filter(pk=seed[1].pk).update(
        updated_at=datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC)
    )
    entries = sitemap_entries(client)
    assert entries["http://testserver/districts/nanxun/"] == "2030-01-02"  # story 1 only
    assert entries["http://testserver/districts/huzhou/"] == "2030-01-02"  # its city too
    assert entries["http://testserver/reporters/xu-dongmei/"] == "2030-01-02"
    assert entries[f"http://testserver/articles/{seed[2].pk}/"] != "2030-01-02"


@pytest.mark.parametrize(
    "url, queries, warm_queries",
    [
        # One more each: the archive's generation, which labels the page cache.
        # The index builds no entries: the story files' newest changes, one lookup for each
        # of reporters, districts and editions, two for tags (the usable slugs), the pages'
        # count (might the editions need a second file?); nothing cached.
        ("/sitemap.xml", 8, 8),
        ("/sitemap-articles.xml", 3, 3),  # the last id, the range of ids: no COUNT(*)
        ("/sitemap-browse.xml", 3, 2),
        # The reporters/regions/tags, then the groups of the newest stories; one more would
        # group those not among them (none here).
        ("/sitemap-reporters.xml", 4, 2),
        ("/sitemap-districts.xml", 4, 2),
        ("/sitemap-tags.xml", 4, 2),
        ("/sitemap-archives.xml", 3, 2),
        ("/sitemap-editions.xml", 4, 2),  # the newest change per page, then the pages
    ],
)
def test_each_sitemap_file_runs_a_fixed_number_of_queries(
    client, seed, url, queries, warm_queries, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article

    ContentType.objects.get_for_model(Article)  # cached per process, as in production
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # Then the aggregates come from the cache, keyed by the newest change to any story, itself
    # cached by generation (the page is rendered again, not served whole from the page cache).
    forget_pages()
    with django_assert_num_queries(warm_queries):
        assert client.get(url).status_code == 200


def test_a_changed_story_refreshes_the_cached_sitemap_at_once(client, seed):
    from articles.models import Reporter

    assert "http://testserver/reporters/cao-kailin/" in sitemap_urls(client)
    reporter = Reporter.objects.get(slug="cao-kailin")
    reporter.slug = "cao-kai-lin"
    reporter.save()
    seed[1].save()  # the admin marks a renamed reporter's stories changed (StoryCountMixin)
    urls = sitemap_urls(client)
    assert "http://testserver/reporters/cao-kai-lin/" in urls
    assert "http://testserver/reporters/cao-kailin/" not in urls


@pytest.mark.parametrize(
    "url", ["/sitemap-nothing.xml", "/sitemap-articles.xml?p=9", "/sitemap-articles.xml?p=x"]
)
def test_unknown_sitemap_files_are_404(client, seed, url):
    assert client.get(url).status_code == 404
