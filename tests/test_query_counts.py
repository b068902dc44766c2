"""Every public page runs a fixed, small number of SQL queries whatever the archive's size.

Each URL's count is pinned as a literal, measured with every cache empty (the first request
after an edit: page cache, sidebar, related stories and counts all cold), for the four seed
stories and again for 2,000 generated ones. Most pages run at most eight; the table's comments
say which run more and what each of their queries is for. A page served from the page cache
runs one query (the generation), and a revalidation that matches runs the same one.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import clear_caches, planner_queries

pytestmark = pytest.mark.django_db

# URL ({story} and {reporter} filled in) → queries on a cold request with the four seed stories,
# and with 2,000 generated stories more. One of them is the generation. A listing's cards cost
# the page of stories and one query for all their bylines (with reporters), districts and tags
# (articles/cards.py). The browsing sidebar costs two (regions with their counts; tags with
# theirs and the years); it is cached per counts generation, so a page rendered after another
# (or after a corrected headline) runs two fewer. A narrowed listing or a search shows facets
# instead, one query for all of them (the stories counted, their districts, reporters, tags and
# months), kept per listing like its count. Past 3,000 results the facets sample and read the id
# range first (once per counts generation): one more, which these archives are too small to
# show. A listing of one reporter, region or tag takes its count from the directory's list when
# a page has counted that already (the sidebar counts the regions' and tags').
#
# Every page runs at most eight; the most:
# - a person's page (7; 8 on PostgreSQL): the generation (read with the dictionary's version,
#   which says whether the segmenter's names are current), the person, the count, the page and
#   its cards, the sidebar's two, and on PostgreSQL the planner's estimates;
# - a listing with three filters (8): the generation, three filters' objects, the count, the
#   page and its cards, the facets;
# and on PostgreSQL a search adds the planner's estimates (one EXPLAIN) to its five (the
# generation with the dictionary's version, the count, the page and its cards, the facets).
COLD_QUERIES = {
    "/": (5, 5),
    "/articles/": (5, 5),
    "/articles/?page=2": (1, 5),  # a 404 with four stories
    "/articles/?reporter={reporter}&district=huzhou&tag=政法": (8, 8),
    "/articles/{story}/": (6, 6),  # the story, its card, its page's stories, related, people
    "/reporters/": (2, 2),
    "/reporters/{reporter}/": (6, 6),
    "/reporters/{reporter}/feed/": (5, 5),
    "/districts/": (2, 2),
    "/districts/huzhou/": (6, 6),
    "/districts/anji/": (6, 6),
    "/districts/huzhou/feed/": (5, 5),
    "/tags/": (2, 2),
    "/tags/政法/": (6, 6),
    "/tags/政法/feed/": (5, 5),
    "/archive/2021/": (7, 7),
    "/archive/2021/09/": (7, 7),
    "/editions/": (3, 3),
    "/editions/2021-09-30/": (6, 6),
    "/editions/2021-09-30/x/": (7, 7),
    "/people/xia-wenxing/": (7 + planner_queries(1),) * 2,
    "/search/": (1, 1),
    "/search/?q=湖州": (5 + planner_queries(1),) * 2,
    "/feeds/latest/": (4, 4),
    "/sitemap.xml": (8, 8),
    "/sitemap-articles.xml": (3, 3),
    "/sitemap-browse.xml": (3, 3),
    "/sitemap-tags.xml": (4, 4),
    "/sitemap-editions.xml": (4, 4),
    "/api/articles/": (3, 3),
    "/api/reporters/": (1, 1),
    "/opensearch.xml": (1, 1),
    "/robots.txt": (1, 1),
    "/healthz": (1, 1),
    "/reporters/nobody/": (3, 3),
}


def queries_for(client, url):
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    return len(captured)


def measured(client, story, reporter):
    return {
        url: queries_for(client, url.format(story=story, reporter=reporter)) for url in COLD_QUERIES
    }


def test_every_public_page_runs_a_fixed_number_of_queries(client, seed):
    story = seed[4].pk
    assert measured(client, story, "cao-kailin") == {k: v[0] for k, v in COLD_QUERIES.items()}
    call_command("generate_corpus", "--articles", "2000", "--seed", "7", verbosity=0)
    assert measured(client, story, "cao-kailin") == {k: v[1] for k, v in COLD_QUERIES.items()}


def test_a_cached_page_and_a_revalidation_run_one_query(client, seed, django_assert_num_queries):
    for url in ["/", "/articles/", seed[1].get_absolute_url(), "/tags/", "/feeds/latest/"]:
        etag = client.get(url)["ETag"]
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(1):
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
