"""Whole-page cache, conditional GET and the archive's generation (articles/page_cache.py,
articles/generation.py)."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from taggit.models import Tag

from articles.generation import read_state
from articles.models import Article, Byline, Region, Reporter
from articles.page_cache import normalised_query

pytestmark = pytest.mark.django_db


def generation():
    return read_state().generation


def test_a_second_reader_gets_the_cached_page_for_one_query(
    client, seed, django_assert_num_queries
):
    url = seed[1].get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the generation
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert second["ETag"] == first["ETag"]


def test_an_edit_is_seen_by_the_next_reader(client, seed):
    story = seed[1]
    client.get(story.get_absolute_url())
    story.headline = "改过的标题"
    story.save()
    response = client.get(story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "改过的标题" in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        "story saved",
        "story updated in bulk",
        "byline added",
        "reporter renamed",
        "region renamed",
        "tag renamed",
        "story tagged",
        "district removed",
        "story deleted",
    ],
)
def test_every_change_readers_can_see_moves_the_generation(seed, change):
    story, before = seed[1], generation()
    if change == "story saved":
        story.save()
    elif change == "story updated in bulk":
        Article.objects.filter(pk=story.pk).update(headline="新标题")
    elif change == "byline added":
        Byline.objects.create(article=story, reporter=Reporter.objects.first(), role="reporter")
    elif change == "reporter renamed":
        Reporter.objects.filter(slug="cao-kailin").update(name="曹凯")
    elif change == "region renamed":
        Region.objects.filter(slug="anji").update(name="安吉")
    elif change == "tag renamed":
        Tag.objects.filter(name="国庆").update(name="国庆节")
    elif change == "story tagged":
        story.tags.add("新标签")
    elif change == "district removed":
        story.districts.clear()
    elif change == "story deleted":
        story.delete()
    assert generation() > before


def test_the_story_count_follows_inserts_and_deletes(seed):
    assert read_state().story_count == 4
    call_command("generate_corpus", "--articles", "30", "--seed", "2", verbosity=0)
    assert read_state().story_count == 34 == Article.objects.count()
    seed[1].delete()
    call_command("generate_corpus", "--clear", verbosity=0)
    assert read_state().story_count == 3 == Article.objects.count()


def test_a_revalidation_is_answered_304_without_rendering(client, seed, django_assert_num_queries):
    url = "/articles/"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    seed[2].save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_public_pages_say_how_long_they_may_be_kept(client, seed):
    for url in ["/", "/articles/", "/feeds/latest/", "/sitemap.xml", "/tags/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == (
            "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
        )
        assert response["Vary"] == "Cookie", url
        assert response["ETag"].startswith('W/"'), url


def test_the_key_ignores_parameter_order_and_empty_parameters(client, seed):
    client.get("/articles/?tag=政法&reporter=cao-kailin")
    assert client.get("/articles/?reporter=cao-kailin&page=&tag=政法")["X-Page-Cache"] == "hit"
    assert client.get("/articles/?reporter=cao-kailin")["X-Page-Cache"] == "miss"
    assert normalised_query("b=2&a=1&a=0&c=&d=%20") == "a=1&a=0&b=2"


def test_head_is_served_from_the_cache_too(client, seed):
    client.get("/tags/")
    response = client.head("/tags/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_not_found_pages_are_cached_until_the_next_change(client, seed):
    assert client.get("/reporters/nobody/")["X-Page-Cache"] == "miss"
    response = client.get("/reporters/nobody/")
    assert (response.status_code, response["X-Page-Cache"]) == (404, "hit")


@pytest.mark.parametrize(
    "url", ["/healthz", "/api/articles/", "/admin/login/", "/search/?q=" + "字" * 201]
)
def test_what_is_never_cached(client, seed, url):
    client.get(url)
    response = client.get(url)
    assert response.status_code in (200, 302, 400)
    assert "X-Page-Cache" not in response


def test_editors_bypass_the_cache(client, seed, admin_user):
    url = seed[1].get_absolute_url()
    client.get(url)
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_a_database_error_page_is_a_chinese_503(rf):
    from articles.outage import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/articles/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "档案暂时无法访问" in response.content.decode()
    assert "修改没有保存" not in response.content.decode()
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.post("/admin/articles/article/1/change/"))
    assert "您刚才的修改没有保存" in response.content.decode()


def test_any_other_error_is_still_the_500_page(rf):
    from articles.outage import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
