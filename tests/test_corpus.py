"""The generated corpus: plausible, deterministic, marked, removable."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from articles.corpus import CorpusGenerator
from articles.models import Article, Edition, Page, Reporter
from tests.conftest import SEED_PAGE, rum_index_files

REGIONS = ["湖州市", "吴兴区", "南浔区", "德清县", "长兴县", "安吉县", "南太湖新区"]


def generator(seed):
    return CorpusGenerator(SEED_PAGE.read_text(encoding="utf-8"), region_names=REGIONS, seed=seed)


def test_the_same_seed_gives_the_same_stories():
    first, second = generator(7), generator(7)
    assert [first.story() for _ in range(50)] == [second.story() for _ in range(50)]
    assert generator(8).story() != generator(7).story()


def test_stories_look_like_the_paper():
    stories = [generator(1).story() for _ in range(1)] + [
        s for g in [generator(2)] for s in (g.story() for _ in range(300))
    ]
    for story in stories:
        assert story.headline and story.body
        assert all(
            p.endswith(("。", "”", "！", "？")) or p.startswith("### ")
            for p in story.body.split("\n\n")
        )
        assert 1 <= len(story.bylines) <= 3
        assert set(story.districts) <= set(REGIONS)
        assert len(story.tags) >= 1
        assert datetime.date(2012, 1, 1) <= story.published_on <= datetime.date(2021, 9, 29)
    years = {s.published_on.year for s in stories}
    assert len(years) >= 8


def test_word_frequencies_are_skewed_like_real_text():
    """Place names stay in nearly every story; a topic word of the seed only in a few."""
    g = generator(3)
    bodies = [g.story().body for _ in range(400)]
    with_common = sum("湖州" in body for body in bodies)
    with_rare = sum("反邪教" in body for body in bodies)
    assert with_common > 300
    assert 0 < with_rare < 100


@pytest.mark.django_db
def test_the_command_adds_marked_stories_and_clear_removes_them(seed):
    call_command(
        "generate_corpus", "--articles", "120", "--seed", "5", "--batch-size", "50", verbosity=0
    )
    assert Article.objects.generated().count() == 120
    generated = Article.objects.generated().first()
    assert generated.bylines.exists() and generated.districts.exists() and generated.tags.exists()
    assert Reporter.objects.filter(is_generated=True).exists()

    call_command("generate_corpus", "--clear", verbosity=0)
    assert Article.objects.count() == 4
    assert list(Page.objects.values_list("source", flat=True)) == ["000_fbd30dea7fb6adfd"]
    assert Edition.objects.count() == 1
    assert not Reporter.objects.filter(is_generated=True).exists()
    # The seed's own reporters, bylines and tags are untouched.
    assert sorted(Reporter.objects.values_list("name", flat=True)) == ["徐冬梅", "曹凯琳", "高飞"]
    assert sorted(seed[1].tags.names()) == sorted(Article.objects.get(pk=seed[1].pk).tags.names())
    assert seed[1].tags.count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RUM indexes are PostgreSQL's")
def test_the_command_rebuilds_the_rum_indexes_after_loading(seed):
    # Loaded batch by batch, a RUM index ends half again as large as one built in one go.
    before = rum_index_files()
    call_command("generate_corpus", "--articles", "30", "--batch-size", "10", verbosity=0)
    after = rum_index_files()
    assert sorted(after) == ["article_search_recency_idx", "article_title_recency_idx"]
    assert all(after[name] != before[name] for name in after)
    assert Article.objects.search("湖州").count() > 4


@pytest.mark.django_db
def test_generated_stories_are_on_numbered_named_pages_in_printed_order(seed):
    call_command(
        "generate_corpus", "--articles", "60", "--seed", "5", "--batch-size", "25", verbosity=0
    )
    call_command("generate_corpus", "--articles", "30", "--seed", "6", verbosity=0)
    stories = Article.objects.generated().select_related("page__edition")
    assert all(s.page and s.published_on == s.page.edition.date for s in stories)
    assert all(s.page_order == s.page.number for s in stories)
    pages = Page.objects.filter(edition__is_generated=True)
    assert {p.name for p in pages} <= {"要闻", "综合", "政法", "民生", "文体", "县区"}
    assert {p.number for p in pages} >= {1, 2, 3, 4}
    for page in pages:
        positions = list(page.articles.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
