"""Pagination of listings (articles/counting.py ArchivePaginator): pages in the back half are
read from the far end, and every page holds exactly the stories the order puts there."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.counting import ArchivePaginator
from articles.models import Article, Region
from tests.conftest import clear_caches, html

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(seed):
    """The seed plus 41 generated stories: 45, so pages of 20, 20 and 5."""
    call_command("generate_corpus", "--articles", "41", "--seed", "5", verbosity=0)
    return Article.objects.count()


def story_ids(client, url):
    page = html(client.get(url))
    return [int(a["href"].strip("/").split("/")[-1]) for a in page.select("main h2 a")]


@pytest.mark.parametrize(
    "url, ordered",
    [
        ("/articles/", lambda: Article.objects.latest_first()),
        ("/articles/?sort=oldest", lambda: Article.objects.oldest_first()),
        (
            "/districts/huzhou/",
            lambda: Article.objects.of(Region.objects.get(slug="huzhou")).latest_first(),
        ),
    ],
)
def test_every_page_holds_the_stories_its_place_in_the_order_says(client, stories, url, ordered):
    expected = list(ordered().values_list("pk", flat=True))
    join = "&" if "?" in url else "?"
    pages = [story_ids(client, f"{url}{join}page={n}") for n in range(1, len(expected) // 20 + 2)]
    assert [pk for page in pages for pk in page] == expected
    if url == "/articles/":
        assert [len(page) for page in pages] == [20, 20, 5]


def test_the_last_page_is_read_from_the_far_end_without_an_offset(stories):
    paginator = ArchivePaginator(Article.objects.latest_first(), 20)
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        last = list(paginator.page(3))
    (select,) = [q["sql"] for q in captured if 'FROM "articles_article"' in q["sql"]]
    assert "OFFSET" not in select and "LIMIT 5" in select
    assert [a.pk for a in last] == list(
        Article.objects.latest_first().values_list("pk", flat=True)[40:]
    )


def test_a_page_reads_its_ids_in_a_subquery_then_its_stories(stories):
    paginator = ArchivePaginator(Article.objects.latest_first().for_listing(), 20)
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        second = list(paginator.page(2))
    (select,) = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_article"')]
    assert '"articles_article"."id" IN (SELECT' in select and "LIMIT 20 OFFSET 20)" in select
    assert [a.pk for a in second] == list(
        Article.objects.latest_first().values_list("pk", flat=True)[20:40]
    )
    card = second[0]
    assert [b.reporter.name for b in card.bylines.all()] == list(
        card.bylines.order_by("order", "id").values_list("reporter__name", flat=True)
    )


def test_a_search_s_capped_count_is_never_read_backwards(stories):
    paginator = ArchivePaginator(Article.objects.latest_first(), 20)
    paginator.count = 30  # as a search sets it: the capped number, not the rows' number
    assert not paginator.is_exact_queryset()
    assert len(paginator.page(2)) == 10
