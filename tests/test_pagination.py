"""Pagination of listings (articles/counting.py ArchivePaginator): pages in the back half are
read from the far end, and every page holds exactly the stories the order puts there."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.counting import ArchivePaginator
from articles.listing import ListingParams, hashing_links_pays
from articles.models import Article, Region, Reporter
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


def most_published_reporter():
    return max(Reporter.objects.all(), key=lambda r: Article.objects.of(r).count())


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_page_found_through_hashed_links_holds_the_same_stories(stories, sort):
    reporter = most_published_reporter()
    listed = Article.objects.of(reporter)
    hashed = Article.objects.of(reporter, hashed=True)
    if sort == "oldest":
        listed, hashed = listed.oldest_first(), hashed.oldest_first()
    else:
        listed, hashed = listed.latest_first(), hashed.latest_first()
    expected = list(listed.values_list("pk", flat=True))
    assert len(expected) > 5  # pages of 5: the back half is read backwards, from both
    paginator = ArchivePaginator(listed, 5, known_count=len(expected), ids_from=hashed)
    pages = [paginator.page(n) for n in paginator.page_range]
    assert [a.pk for page in pages for a in page] == expected


def test_a_small_filter_s_page_is_found_through_hashed_links_on_postgresql(client, stories):
    reporter = most_published_reporter()
    count = Article.objects.of(reporter).count()
    params = ListingParams.parse({}, "reporter", reporter.slug)
    hashed = params.articles_with_links_hashed(20, count)
    if connection.vendor != "postgresql":
        assert hashed is None  # SQLite's plans stay as they were
        return
    # Hashing 1,000 links costs more than walking 20 × 45 / 1,000 stories to fill a page.
    assert params.articles_with_links_hashed(20, 1000) is None
    assert "IS TRUE" in str(hashed.query)
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        ids = story_ids(client, reporter.get_absolute_url())
    (select,) = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_article"')]
    assert ") IS TRUE ORDER BY" in select  # the ids' subquery; the stories' own filter is plain
    assert ids == list(Article.objects.of(reporter).latest_first().values_list("pk", flat=True))
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        listed = client.get(f"/api/articles/?reporter={reporter.slug}").json()
    (select,) = [q["sql"] for q in captured if q["sql"].startswith('SELECT "articles_article"')]
    assert ") IS TRUE ORDER BY" in select
    assert [story["id"] for story in listed["results"]] == ids
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + str(hashed.values("pk").query))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "hashed SubPlan" in plan


@pytest.mark.parametrize(
    "count, depth, stories, hashed",
    [
        (989, 20, 100_004, True),  # a reporter's first page: 2,000 stories probed, or 989 hashed
        (14_427, 20, 100_004, False),  # a district's first page: 140 probed
        (14_427, 4_000, 100_004, True),  # its page 200: 28,000 probed
        (90_000, 400_000, 1_000_000, True),
        (200_000, 500_000, 1_000_000, False),  # more than PostgreSQL would surely hash
    ],
)
def test_links_are_hashed_when_that_costs_less_than_probing_them(count, depth, stories, hashed):
    assert hashing_links_pays(count, depth, stories) is hashed
