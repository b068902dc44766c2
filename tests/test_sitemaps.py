"""The sitemap's lastmods, each the newest change to a story the page lists, and the index's,
found without building any file (articles/sitemaps.py, articles/sitemap_views.py)."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from articles import models
from articles.models import Article, Page
from articles.sitemaps import ArticleSitemap

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NEW = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
NEWER = datetime.datetime(2031, 6, 7, 8, 9, 10, tzinfo=datetime.UTC)


def changed(story, when):
    Article.objects.filter(pk=story.pk).update(updated_at=when)


def index(client):
    """{file address: lastmod} of /sitemap.xml."""
    root = ET.fromstring(client.get("/sitemap.xml").content)
    return {
        element.findtext("s:loc", namespaces=NS): element.findtext("s:lastmod", namespaces=NS)
        for element in root.findall("s:sitemap", NS)
    }


def entries(client, url):
    """{address: lastmod} of one sitemap file."""
    root = ET.fromstring(client.get(url).content)
    return {
        element.findtext("s:loc", namespaces=NS): element.findtext("s:lastmod", namespaces=NS)
        for element in root.findall("s:url", NS)
    }


def test_a_months_lastmod_is_its_newest_storys_change(client, dated):
    changed(dated[3], NEW)  # 2021-09-01
    changed(dated[4], NEWER)  # 2021-09-30
    changed(dated[1], NEWER)  # 2019-03-15
    archive = entries(client, "/sitemap-archives.xml")
    assert archive["http://testserver/archive/2021/09/"] == "2031-06-07"
    assert archive["http://testserver/archive/2021/"] == "2031-06-07"
    assert archive["http://testserver/archive/2020/02/"] != "2031-06-07"
    assert archive["http://testserver/archive/2019/03/"] == "2031-06-07"


def test_the_lastmod_is_the_utc_day_of_the_change(client, dated):
    # 2030-01-02 23:30 UTC is the 3rd in Shanghai, the site's time zone: the sitemap says UTC.
    changed(dated[3], datetime.datetime(2030, 1, 2, 23, 30, tzinfo=datetime.UTC))
    archive = entries(client, "/sitemap-archives.xml")
    assert archive["http://testserver/archive/2021/09/"] == "2030-01-02"


def test_a_pages_and_an_editions_lastmod_are_their_newest_storys_change(client, seed):
    page = Page.objects.get()
    second = Page.objects.create(edition=page.edition, number=2)
    story = Article.objects.create(headline="二版", body="正文。", published_on="2021-09-30")
    story.page = second
    story.save()
    changed(story, NEW)
    changed(seed[1], NEWER)
    editions = entries(client, "/sitemap-editions.xml")
    assert editions["http://testserver/editions/2021-09-30/2/"] == "2030-01-02"
    assert editions["http://testserver/editions/2021-09-30/x/"] == "2031-06-07"
    assert editions["http://testserver/editions/2021-09-30/"] == "2031-06-07"


def test_a_page_without_stories_is_not_listed(client, seed):
    Page.objects.create(edition=Page.objects.get().edition, number=3)
    assert "http://testserver/editions/2021-09-30/3/" not in entries(
        client, "/sitemap-editions.xml"
    )


def test_a_page_number_no_address_can_hold_does_not_break_the_sitemap(client, seed):
    page = Page.objects.get()
    Page.objects.filter(pk=page.pk).update(number=1000)  # behind the ORM's back
    response = client.get("/sitemap-editions.xml")
    assert response.status_code == 200
    assert b"/editions/2021-09-30/1000/" not in response.content
    assert b"<loc>http://testserver/editions/2021-09-30/</loc>" in response.content


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_days_do_not_break_the_edition_sitemap(client, seed, day):
    edition = Page.objects.get().edition
    type(edition).objects.filter(pk=edition.pk).update(date=day)
    assert f"http://testserver/editions/{day}/x/" in entries(client, "/sitemap-editions.xml")


@pytest.mark.parametrize(
    "url, address",
    [
        ("/sitemap-reporters.xml", "http://testserver/reporters/xu-dongmei/"),
        ("/sitemap-districts.xml", "http://testserver/districts/nanxun/"),
        ("/sitemap-tags.xml", "http://testserver/tags/old-news/"),
    ],
)
def test_a_group_not_named_by_the_newest_stories_still_has_its_newest_change(
    client, seed, monkeypatch, url, address
):
    """Only the newest story is "recent" here, so every other reporter, region and tag takes
    the second path of ArticleQuerySet.newest_change_by."""
    seed[1].tags.add("old news")
    changed(seed[1], NEW)
    newest = max(seed.values(), key=lambda story: story.pk if story.pk != seed[1].pk else 0)
    changed(newest, NEWER)
    monkeypatch.setattr(models, "RECENT_STORIES", 1)
    assert entries(client, url)[address] == "2030-01-02"


def test_the_index_gives_each_section_its_newest_change(client, seed):
    seed[1].tags.add("政法")
    changed(seed[1], NEW)
    listed = index(client)
    files = {url.split("/")[-1]: lastmod for url, lastmod in listed.items()}
    for name, lastmod in files.items():
        newest = max(filter(None, entries(client, f"/{name}").values()), default=None)
        assert lastmod[:10] == newest, name
    assert files["sitemap-reporters.xml"] == "2030-01-02T03:04:05+00:00"


def test_each_story_file_in_the_index_has_the_newest_change_in_its_ids(client, seed, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ids = sorted(story.pk for story in seed.values())
    changed(Article.objects.get(pk=ids[0]), NEWER)
    changed(Article.objects.get(pk=ids[-1]), NEW)
    files = ArticleSitemap().file_lastmods()
    assert len(files) == -(-ids[-1] // 2)
    assert files[(ids[0] - 1) // 2] == NEWER
    assert files[(ids[-1] - 1) // 2] == NEW
    listed = index(client)
    assert listed[f"http://testserver/sitemap-articles.xml?p={(ids[-1] - 1) // 2 + 1}"] == (
        "2030-01-02T03:04:05+00:00"
    )
    assert f"http://testserver/sitemap-articles.xml?p={len(files) + 1}" not in listed


def test_the_index_of_an_empty_archive(client, db):
    listed = index(client)
    assert "http://testserver/sitemap-articles.xml" in listed
    assert not any(listed.values())
