"""Story cards (articles/cards.py): a page of stories reads its bylines, districts and tags in
one query, and each story's related managers then behave as after prefetch_related: read from
memory as they are, filtered to the story for anything made from them (an editor's save in the
admin starts from them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Region

from .conftest import html, text_of

pytestmark = pytest.mark.django_db


def test_a_cards_lists_are_read_without_a_query(seed):
    stories = list(Article.objects.for_listing().order_by("pk"))
    with CaptureQueriesContext(connection) as captured:
        districts = [[r.name for r in story.districts.all()] for story in stories]
        bylines = [[str(b) for b in story.bylines.all()] for story in stories]
        tags = [sorted(t.name for t in story.tags.all()) for story in stories]
    assert len(captured) == 0
    assert districts[1] == ["湖州市"]
    assert bylines[1] == ["通讯员 高飞"]
    assert all(tags) and tags[1] == sorted(seed[2].tags.names())


def test_what_is_made_from_a_cards_list_is_the_storys_own(seed):
    story = Article.objects.for_listing().get(pk=seed[2].pk)
    # Each of these once came from an unfiltered queryset: every region, every tag.
    assert list(story.districts.values_list("name", flat=True)) == ["湖州市"]
    assert sorted(story.tags.names()) == sorted(seed[2].tags.names())
    assert list(story.bylines.values_list("reporter__name", flat=True)) == ["高飞"]
    nanxun = Region.objects.get(name="南浔区")
    story.districts.set([*story.districts.all(), nanxun])  # what the admin's save does
    assert sorted(Article.objects.get(pk=story.pk).districts.values_list("name", flat=True)) == [
        "南浔区",
        "湖州市",
    ]


@pytest.mark.parametrize(
    "day, printed",
    [
        ("2021-09-30", "2021年9月30日"),
        ("0001-01-01", "0001年1月1日"),
        ("9999-12-31", "9999年12月31日"),
    ],
)
def test_a_card_prints_its_date_as_the_paper_does(client, seed, day, printed):
    story = seed[2]
    Article.objects.filter(pk=story.pk).update(published_on=day, date_is_estimated=False)
    link = html(client.get("/articles/")).select_one(f'main a[href="{story.get_absolute_url()}"]')
    card = link.find_parent("article")
    assert card.select_one("time")["datetime"] == day
    assert text_of(card.select_one(".card__date")) == printed
