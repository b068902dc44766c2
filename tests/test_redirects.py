"""Stable addresses: renamed slugs and merged reporters answer 301 at their old addresses."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from taggit.models import Tag

from articles.models import Byline, Region, Reporter, SlugRedirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, db):
    user = User.objects.create_user("bianji", password="x-湖州-2021", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client.force_login(user)
    return client


def assert_moved(client, old, new):
    response = client.get(old)
    assert (response.status_code, response.get("Location")) == (301, new)
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("suffix", ["", "feed/", "feed/atom/"])
def test_a_renamed_reporter_answers_at_the_old_address(client, seed, suffix):
    reporter = Reporter.objects.get(slug="cao-kailin")
    reporter.slug = "cao-kai-lin"
    reporter.save()
    assert_moved(client, f"/reporters/cao-kailin/{suffix}", f"/reporters/cao-kai-lin/{suffix}")


def test_the_query_string_goes_along(client, seed):
    reporter = Reporter.objects.get(slug="cao-kailin")
    reporter.slug = "cao-kai-lin"
    reporter.save()
    response = client.get("/reporters/cao-kailin/?page=1&tag=x")
    assert response["Location"] == "/reporters/cao-kai-lin/?page=1&tag=x"


@pytest.mark.parametrize("suffix", ["", "feed/"])
def test_a_renamed_region_and_tag_answer_at_their_old_addresses(client, seed, suffix):
    region = Region.objects.get(slug="nanxun")
    region.slug = "nanxun-qu"
    region.save()
    tag = Tag.objects.get(slug="政法")
    tag.slug = "zhengfa"
    tag.save()
    assert_moved(client, f"/districts/nanxun/{suffix}", f"/districts/nanxun-qu/{suffix}")
    assert_moved(client, f"/tags/政法/{suffix}", f"/tags/zhengfa/{suffix}")


def test_two_renames_lead_from_the_first_address_to_the_last_in_one_hop(client, seed):
    reporter = Reporter.objects.get(slug="gao-fei")
    for slug in ("gao-fei-2", "gao-fei-3"):
        reporter.slug = slug
        reporter.save()
    assert_moved(client, "/reporters/gao-fei/", "/reporters/gao-fei-3/")
    assert_moved(client, "/reporters/gao-fei-2/", "/reporters/gao-fei-3/")


def test_a_live_page_wins_over_an_old_address(client, seed):
    reporter = Reporter.objects.get(slug="gao-fei")
    reporter.slug = "gao-fei-2"
    reporter.save()
    Reporter.objects.create(name="高飞", slug="gao-fei")  # a different person takes the slug
    assert client.get("/reporters/gao-fei/").status_code == 200  # the new page, not moved
    reporter.slug = "gao-fei"  # …or the first one takes it back: it is live again
    Reporter.objects.filter(slug="gao-fei").exclude(pk=reporter.pk).delete()
    reporter.save()
    assert not SlugRedirect.objects.filter(kind="reporter", old_slug="gao-fei").exists()
    assert client.get("/reporters/gao-fei/").status_code == 200


def test_merged_reporters_answer_at_the_kept_reporters_address(editor_client, seed):
    twin = Reporter.objects.create(name="徐冬梅", slug="xu-dongmei-2")
    Byline.objects.create(article=seed[2], reporter=twin, role="staff_reporter", order=2)
    xu = Reporter.objects.get(slug="xu-dongmei")
    url = reverse("admin:articles_reporter_changelist")
    selection = {"action": "merge_selected", "_selected_action": [xu.pk, twin.pk]}
    response = editor_client.post(url, {**selection, "confirm": "yes", "keep": xu.pk})
    assert response.status_code == 302
    editor_client.logout()
    assert_moved(editor_client, "/reporters/xu-dongmei-2/", "/reporters/xu-dongmei/")
    assert_moved(editor_client, "/reporters/xu-dongmei-2/feed/", "/reporters/xu-dongmei/feed/")


def test_merged_tags_answer_at_the_kept_tags_address(editor_client, seed):
    seed[2].tags.add("平安建设")
    kept, merged = Tag.objects.get(name="政法"), Tag.objects.get(name="平安建设")
    url = reverse("admin:taggit_tag_changelist")
    selection = {"action": "merge_selected", "_selected_action": [kept.pk, merged.pk]}
    response = editor_client.post(url, {**selection, "confirm": "yes", "keep": kept.pk})
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=merged.pk).exists()
    editor_client.logout()
    old = reverse("articles:tag-detail", args=[merged.slug])
    assert_moved(editor_client, old, reverse("articles:tag-detail", args=[kept.slug]))


def test_unknown_addresses_stay_404(client, seed):
    assert client.get("/reporters/nobody/").status_code == 404
    assert client.get("/tags/nothing/feed/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404
