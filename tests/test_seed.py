"""The seed page, as loaded by `loaddata seed_reports`, is what was printed."""

import json

import pytest
from django.core.management import call_command

from articles.importer import parse_page
from articles.models import Article, Byline, Region
from tests.conftest import ROOT, SEED_PAGE, html, text_of

pytestmark = pytest.mark.django_db

# The four sentences the page's column breaks cut in two, as the issue names them.
COLUMN_BREAKS = [("发现问题", "排查见底"), ("开展", "整治"), ("落地", "见效"), ("系统", "性")]


def printed_reports():
    """The page read naively, line by line, without the importer: what a reader of the paper
    sees, report by report, with the column breaks put back together by hand."""
    reports, current = [], None
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("# ") or (line.startswith("## ") and not current_needs_text(current)):
            if line.startswith("# ") and current and not current["lines"]:
                current["headings"].append(line[2:])
                continue
            current = {"headings": [line[3:] if line.startswith("## ") else line[2:]], "lines": []}
            reports.append(current)
        else:
            current["lines"].append(line)
    for report in reports:
        lines = report["lines"]
        for end, start in COLUMN_BREAKS:
            for i in range(len(lines) - 1):
                if lines[i].endswith(end) and lines[i + 1].startswith(start):
                    lines[i : i + 2] = [lines[i] + lines[i + 1]]
                    break
        report["byline"], report["paragraphs"] = lines[0], lines[1:]
    return reports


def current_needs_text(report):
    return report is not None and not report["lines"]


def test_the_naive_reading_finds_the_four_reports_and_four_joins():
    reports = printed_reports()
    assert len(reports) == 4
    assert sum(len(r["paragraphs"]) for r in reports) == 21


@pytest.mark.parametrize("position", [1, 2, 3, 4])
def test_every_line_of_the_seed_appears_on_its_story_page_as_printed(client, seed, position):
    printed = printed_reports()[position - 1]
    page = html(client.get(seed[position].get_absolute_url()))
    story = page.select_one("main article")

    *kicker, headline = printed["headings"]
    assert text_of(story.select_one("h1")) == headline
    if kicker:
        assert text_of(story.select_one(".story__kicker")) == kicker[0]
    else:
        assert story.select_one(".story__kicker") is None
    assert text_of(story.select_one(".story__byline")) == printed["byline"]

    shown = []
    for block in story.select(".story__body > h2, .story__body > p"):
        prefix = "### " if block.name == "h2" else ""
        shown.append(prefix + text_of(block))
    assert shown == printed["paragraphs"]


def test_the_dateline_is_shown_as_a_dateline(client, seed):
    page = html(client.get(seed[2].get_absolute_url()))
    first = page.select_one(".story__body p")
    assert text_of(first.select_one(".dateline")) == "本报讯"
    assert text_of(first).startswith("本报讯 近日,湖州市执行")


def test_the_estimated_date_is_shown_as_estimated_with_the_reasoning(client, seed):
    for article in seed.values():
        assert str(article.published_on) == "2021-09-30"
        assert article.date_is_estimated
        assert "9月29日" in article.editorial_note and "七一" in article.editorial_note
    page = html(client.get(seed[1].get_absolute_url()))
    date = page.select_one(".story__date")
    assert date.select_one("time")["datetime"] == "2021-09-30"
    assert "推定" in text_of(date)
    assert "七一" in text_of(page.select_one(".editorial-note"))


def test_the_fixture_and_the_importer_agree_on_the_text(seed):
    for report in parse_page(SEED_PAGE.read_text(encoding="utf-8")):
        article = seed[report.position]
        assert (article.kicker, article.headline, article.subheadline) == (
            report.kicker,
            report.headline,
            report.subheadline,
        )
        assert article.dateline == report.dateline
        assert article.body == report.body
        bylines = [(b.role, b.reporter.name) for b in article.bylines.select_related("reporter")]
        assert bylines == [(b.role, b.name) for b in report.bylines]


def test_importing_the_seed_over_the_fixture_changes_nothing(seed):
    before = {a.pk: (a.updated_at, a.body) for a in Article.objects.all()}
    bylines = list(Byline.objects.values_list("pk", flat=True))
    call_command(
        "import_page",
        str(SEED_PAGE),
        "--date",
        "2021-09-30",
        "--estimated",
        "--note",
        seed[1].editorial_note,
        verbosity=0,
    )
    assert {a.pk: (a.updated_at, a.body) for a in Article.objects.all()} == before
    assert list(Byline.objects.values_list("pk", flat=True)) == bylines


def test_the_curated_districts_and_tags(seed):
    six = {"吴兴区", "南浔区", "德清县", "长兴县", "安吉县", "南太湖新区"}
    assert set(seed[1].districts.values_list("name", flat=True)) == six
    for position in (2, 3, 4):
        assert list(seed[position].districts.values_list("name", flat=True)) == ["湖州市"]
    all_tags = set()
    for article in seed.values():
        names = set(article.tags.names())
        assert len(names) >= 2
        all_tags |= names
    assert len(all_tags) >= 6


def test_regions_form_a_tree_under_huzhou(db):
    city = Region.objects.get(slug="huzhou")
    assert city.parent is None and city.kind == "city"
    children = {r.name: r.kind for r in city.children.all()}
    assert children == {
        "吴兴区": "district",
        "南浔区": "district",
        "德清县": "county",
        "长兴县": "county",
        "安吉县": "county",
        "南太湖新区": "functional_area",
    }


def test_the_fixture_file_holds_the_whole_seed():
    objects = json.loads((ROOT / "fixtures" / "seed_reports.json").read_text(encoding="utf-8"))
    models = {o["model"] for o in objects}
    assert models == {
        "articles.region",
        "articles.reporter",
        "articles.edition",
        "articles.page",
        "articles.article",
        "articles.byline",
        "taggit.tag",
        "taggit.taggeditem",
    }
    assert sum(o["model"] == "articles.article" for o in objects) == 4
    assert sum(o["model"] == "articles.page" for o in objects) == 1


def test_the_seed_is_one_page_of_number_unknown_in_the_2021_09_30_edition(seed):
    page = seed[1].page
    assert {a.page_id for a in seed.values()} == {page.pk}
    assert [a.position for a in page.articles.in_print_order()] == [1, 2, 3, 4]
    assert (str(page.edition.date), page.number, page.source) == (
        "2021-09-30",
        None,
        "000_fbd30dea7fb6adfd",
    )
    assert page.get_absolute_url() == "/editions/2021-09-30/x/"
    assert page.edition.date_is_estimated
    assert [a.get_absolute_url() for a in page.articles.in_print_order()] == [
        "/articles/1/",
        "/articles/2/",
        "/articles/3/",
        "/articles/4/",
    ]


def test_the_seed_copy_matches_the_shared_source():
    shared = ROOT.parent / "shared" / "seeds" / SEED_PAGE.name
    if not shared.exists():
        pytest.skip("no ../shared checkout beside the project")
    assert SEED_PAGE.read_bytes() == shared.read_bytes()
