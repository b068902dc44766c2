"""The counts generation (articles/generation.py, migration 0012): it moves with every change
that can change a count of stories per reporter, district, tag, period or page, and only then,
so that counted lists survive a corrected headline."""

import datetime

import pytest
from django.core.management import call_command
from taggit.models import Tag

from articles.generation import read_state
from articles.models import Article, Byline, Page, Region, Reporter
from tests.conftest import clear_caches, forget_pages, html, text_of

pytestmark = pytest.mark.django_db


def counts_generation():
    return read_state().counts_generation


@pytest.mark.parametrize(
    "change",
    [
        "story added",
        "story deleted",
        "edition redated",
        "story redated in bulk",
        "story moved to another page",
        "byline added",
        "byline's reporter changed",
        "reporter renamed",
        "region renamed",
        "story tagged",
        "tag renamed",
        "district removed",
        "page renamed",
    ],
)
def test_every_change_to_a_count_moves_the_counts_generation(seed, change):
    story, before = seed[1], counts_generation()
    if change == "story added":
        call_command("generate_corpus", "--articles", "2", "--seed", "3", verbosity=0)
    elif change == "story deleted":
        story.delete()
    elif change == "edition redated":
        edition = story.page.edition
        edition.date = datetime.date(2020, 1, 2)
        edition.save()
    elif change == "story redated in bulk":
        Article.objects.filter(pk=story.pk).update(published_on=datetime.date(2020, 1, 2))
    elif change == "story moved to another page":
        other = Page.objects.create(edition=story.page.edition, number=2, name="第二版")
        Article.objects.filter(pk=story.pk).update(page=other)
    elif change == "byline added":
        Byline.objects.create(article=story, reporter=Reporter.objects.first(), role="reporter")
    elif change == "byline's reporter changed":
        Byline.objects.filter(article=story).update(reporter=Reporter.objects.last())
    elif change == "reporter renamed":
        Reporter.objects.filter(slug="cao-kailin").update(name="曹凯")
    elif change == "region renamed":
        Region.objects.filter(slug="anji").update(name="安吉")
    elif change == "story tagged":
        story.tags.add("新标签")
    elif change == "tag renamed":
        Tag.objects.filter(name="国庆").update(name="国庆节")
    elif change == "district removed":
        story.districts.clear()
    elif change == "page renamed":
        Page.objects.filter(pk=story.page_id).update(name="要闻")
    assert counts_generation() > before


def test_correcting_a_story_s_text_leaves_the_counts_generation(seed):
    story = seed[1]
    state = read_state()
    story.headline = "改过的标题"
    story.body += "\n补充一段。"
    story.save()
    Article.objects.filter(pk=story.pk).update(kicker="新引题")
    after = read_state()
    assert after.generation > state.generation
    assert after.counts_generation == state.counts_generation


def test_counted_lists_are_reused_after_a_text_edit_and_recounted_after_a_tag(
    client, seed, django_assert_num_queries
):
    client.get("/tags/")
    seed[1].headline = "改过的标题"
    seed[1].save()
    with django_assert_num_queries(1):  # the generation; the tags and their counts are kept
        assert client.get("/tags/").status_code == 200
    seed[1].tags.add("新标签")
    forget_pages()
    page = html(client.get("/tags/"))
    assert "新标签 1" in [text_of(a) for a in page.select("main a")]


def test_a_narrowed_listing_s_count_follows_a_new_byline(client, seed):
    url = "/reporters/gao-fei/"
    count = lambda: text_of(html(client.get(url)).select_one(".listing__count"))  # noqa: E731
    assert count() == "共 2 篇"
    gao_fei = Reporter.objects.get(slug="gao-fei")
    story = Article.objects.exclude(bylines__reporter=gao_fei).first()
    Byline.objects.create(article=story, reporter=gao_fei, role="reporter")
    assert count() == "共 3 篇"


@pytest.mark.parametrize(
    "directory, url, slug",
    [
        ("/districts/", "/districts/huzhou/", "huzhou"),
        ("/", "/districts/nanxun/", "nanxun"),  # the sidebar counts the regions too
        ("/reporters/", "/reporters/gao-fei/", "gao-fei"),
        ("/tags/", "/tags/政法/", "政法"),
    ],
)
def test_a_one_filter_listing_takes_its_count_from_a_counted_directory(
    client, seed, directory, url, slug, django_assert_num_queries
):
    count = lambda: text_of(html(client.get(url)).select_one(".listing__count"))  # noqa: E731
    counted_alone = count()
    clear_caches()
    client.get(directory)
    forget_pages()
    # The generation, the filter's object, the page and its cards, the facets: no count.
    with django_assert_num_queries(5):
        assert count() == counted_alone
    # A new story of theirs moves the counts generation: the directory is counted again.
    story = Article.objects.create(headline="新稿", body="正文", published_on="2021-09-30")
    if url.startswith("/reporters/"):
        story.bylines.create(reporter=Reporter.objects.get(slug=slug), role="reporter")
    elif url.startswith("/districts/"):
        story.districts.add(Region.objects.get(slug=slug))
    else:
        story.tags.add(Tag.objects.get(name=slug))
    client.get(directory)
    forget_pages()
    before = int(counted_alone.split()[1])
    assert count().split()[1] == str(before + 1)


def test_a_one_filter_listing_with_a_period_is_counted_on_its_own(client, dated):
    client.get("/tags/")  # the tag's count over all time is known now, and not this one's
    page = html(client.get("/tags/政法/", {"from": "2021"}))
    in_2021 = Article.objects.of(Tag.objects.get(name="政法")).filter(published_on__year=2021)
    assert text_of(page.select_one(".listing__count")) == f"共 {in_2021.count()} 篇"
    assert in_2021.count() != Article.objects.of(Tag.objects.get(name="政法")).count()
