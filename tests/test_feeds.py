"""RSS feeds, the sitemap, robots.txt and the health check."""

import xml.etree.ElementTree as ET

import pytest

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
