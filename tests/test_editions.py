"""The printed paper for readers: /editions/, a date's pages, a page's stories in printed order."""

import pytest
from django.core.management import call_command

from articles.models import Article, Edition, Page
from tests.conftest import html, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(seed, tmp_path):
    """The seed page (2021-09-30, number unknown) and two numbered pages of 2021-10-12."""
    front = tmp_path / "a1.txt"
    front.write_text(
        "版名: 要闻\n# 头版头条\n记者 王琳\n本报讯 开会。\n# 头版二条\n本报讯 又开会。\n", "utf-8"
    )
    second = tmp_path / "a2.txt"
    second.write_text("版名: 综合\n# 二版稿件\n本报讯(记者 陈静) 近日,开会。\n", "utf-8")
    call_command(
        "import_page", str(front), str(second), "--date", "2021-10-12", "--page", "1", verbosity=0
    )
    return {a.headline: a for a in Article.objects.all()}


def test_the_edition_index_lists_dates_by_year_and_month_with_page_counts(
    client, paper, django_assert_num_queries
):
    with django_assert_num_queries(3):  # and the generation
        page = html(client.get("/editions/"))
    assert page.title.string.startswith("版面 · 2021年")
    assert [text_of(h) for h in page.select("main h2")] == ["2021年9月", "2021年10月"]
    days = [(text_of(a), a["href"]) for a in page.select("main .edition-days a")]
    assert days == [("30日 1 版", "/editions/2021-09-30/"), ("12日 2 版", "/editions/2021-10-12/")]
    assert text_of(page.select_one(".edition-years li")) == "2021年 2 期"


@pytest.mark.parametrize("year", ["1999", "abc", "0", "99999999999999999999"])
def test_a_year_without_editions_is_a_404(client, paper, year):
    assert client.get(f"/editions/?year={year}").status_code == 404


def test_the_edition_index_of_an_empty_archive(client, db):
    page = html(client.get("/editions/"))
    assert text_of(page.select_one("main .empty")) == "档案中还没有版面。"


def test_an_edition_lists_its_pages_with_headlines_in_printed_order(
    client, paper, django_assert_num_queries
):
    with django_assert_num_queries(6):  # and the generation
        page = html(client.get("/editions/2021-10-12/"))
    assert text_of(page.select_one("main h1")) == "2021年10月12日"
    assert [text_of(h) for h in page.select("main h2")] == ["第1版 要闻 2 篇", "第2版 综合 1 篇"]
    assert [text_of(a) for a in page.select("main ol a")] == ["头版头条", "头版二条", "二版稿件"]
    assert page.select_one('a[rel="prev"]')["href"] == "/editions/2021-09-30/"
    assert page.select_one('a[rel="next"]') is None


def test_the_seed_page_has_an_address_and_says_its_number_is_unknown(
    client, paper, django_assert_num_queries
):
    with django_assert_num_queries(7):  # and the generation
        page = html(client.get("/editions/2021-09-30/x/"))
    assert text_of(page.select_one("main h1")) == "2021年9月30日 版次未详（推定）"
    headlines = [text_of(a) for a in page.select("main .card__headline a")]
    assert headlines[0] == "发现问题排查见底 推动隐患整改见效 全力以赴打赢国庆安保维稳攻坚战"
    assert [a["href"] for a in page.select("main .card__headline a")] == [
        "/articles/1/",
        "/articles/2/",
        "/articles/3/",
        "/articles/4/",
    ]
    assert (
        text_of(page.select_one("main .card__meta"))
        == "本报记者 徐冬梅 见习记者 曹凯琳 通讯员 高飞"
    )
    assert page.select_one('a[rel="next"]')["href"] == "/editions/2021-10-12/"


def test_a_page_shows_its_neighbours_on_the_day_and_the_bylines_of_its_stories(client, paper):
    page = html(client.get("/editions/2021-10-12/2/"))
    assert page.title.string.startswith("2021年10月12日 第2版 综合")
    assert text_of(page.select_one("main .card__meta")) == "记者 陈静"
    assert text_of(page.select_one("main .card__snippet")) == "本报讯 近日,开会。"
    prev = page.select('a[rel="prev"]')
    assert [a["href"] for a in prev] == ["/editions/2021-10-12/1/", "/editions/2021-09-30/"]
    assert page.select_one(".page-tabs a[aria-current]")["href"] == "/editions/2021-10-12/2/"


@pytest.mark.parametrize(
    "url",
    [
        "/editions/2021-10-13/",
        "/editions/2021-02-30/",
        "/editions/2021-10-12/3/",
        "/editions/2021-10-12/x/",
        "/editions/2021-10-12/0/",
        "/editions/2021-10-12/abc/",
        "/editions/9999-99-99/",
        "/editions/2021-9-30/",
    ],
)
def test_what_does_not_exist_is_a_404(client, paper, url):
    assert client.get(url).status_code == 404


def test_a_story_page_links_to_its_printed_page(client, paper):
    page = html(client.get(paper["二版稿件"].get_absolute_url()))
    link = page.select_one(".story__page a")
    assert (text_of(page.select_one(".story__page")), link["href"]) == (
        "见报版面: 2021年10月12日 第2版 综合",
        "/editions/2021-10-12/2/",
    )
    seed_page = html(client.get("/articles/1/"))
    assert text_of(seed_page.select_one(".story__page")) == "见报版面: 2021年9月30日 版次未详"


def test_previous_and_next_on_the_page_follow_printed_order(client, paper):
    page = html(client.get("/articles/2/"))
    assert page.select_one('.story__nav a[rel="prev"]')["href"] == "/articles/1/"
    assert page.select_one('.story__nav a[rel="next"]')["href"] == "/articles/3/"


def test_newest_first_is_date_then_page_then_position(client, paper):
    order = list(Article.objects.latest_first().values_list("headline", flat=True))
    assert order[:3] == ["头版头条", "头版二条", "二版稿件"]
    assert order[3].startswith("发现问题排查见底")  # the seed's lead story before its report 4
    assert order[-1] == "湖州政法系统 主题征文结果揭晓"


def test_renumbering_a_page_or_redating_an_edition_carries_to_its_stories(paper):
    page = Page.objects.get(number=2)
    page.number = 7
    page.save()
    assert paper["二版稿件"].__class__.objects.get(pk=paper["二版稿件"].pk).page_order == 7
    edition = Edition.objects.get(date="2021-10-12")
    edition.date = edition.date.replace(day=13)
    edition.save()
    assert set(
        Article.objects.filter(page__edition=edition).values_list("published_on", flat=True)
    ) == {edition.date}


def test_the_date_archives_list_the_periods_editions(client, paper):
    page = html(client.get("/archive/2021/10/"))
    assert [a["href"] for a in page.select(".period-editions a")] == ["/editions/2021-10-12/"]
    assert not page.select("main .period-editions")
    year = html(client.get("/archive/2021/"))
    assert [text_of(a) for a in year.select(".period-editions a")] == [
        "9月30日 1 版",
        "10月12日 2 版",
    ]


def test_a_period_s_editions_are_kept_until_an_edition_changes(
    client, paper, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def year():
        with CaptureQueriesContext(connection) as captured:
            page = html(client.get("/archive/2021/"))
        editions = [q for q in captured if 'FROM "articles_edition"' in q["sql"]]
        return [text_of(a) for a in page.select(".period-editions a")], len(editions)

    assert year() == (["9月30日 1 版", "10月12日 2 版"], 1)
    story = paper["头版头条"]
    story.headline = "头版头条（更正）"
    with django_capture_on_commit_callbacks(execute=True):
        story.save()  # a correction: the page again, the editions from the fragment cache
    assert year() == (["9月30日 1 版", "10月12日 2 版"], 0)
    edition = Edition.objects.get(date="2021-10-12")
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.create(edition=edition, number=3, name="三版")
    assert year() == (["9月30日 1 版", "10月12日 3 版"], 1)


def test_the_header_links_to_the_editions(client, seed):
    page = html(client.get("/"))
    assert page.select_one('.site-nav a[href="/editions/"]').string == "版面"


def test_the_sitemap_lists_editions_and_pages(client, paper):
    body = client.get("/sitemap-editions.xml").content.decode()
    for path in ("/editions/2021-10-12/", "/editions/2021-10-12/2/", "/editions/2021-09-30/x/"):
        assert f"http://testserver{path}</loc>" in body


def test_the_api_names_the_printed_page(client, paper):
    data = client.get(f"/api/articles/{paper['二版稿件'].pk}/").json()
    assert data["printed_page"] == {
        "date": "2021-10-12",
        "number": 2,
        "name": "综合",
        "url": "http://testserver/editions/2021-10-12/2/",
    }


def test_a_story_given_a_page_takes_its_date_and_number(paper):
    page = Page.objects.get(number=2)
    story = Article.objects.create(
        headline="新稿", body="正文。", published_on="2020-01-01", page=page, position=9
    )
    assert (str(story.published_on), story.page_order, story.date_is_estimated) == (
        "2021-10-12",
        2,
        False,
    )
    story.page = None
    story.save()
    assert story.page_order == 999


def test_editors_find_pages_by_date_in_the_story_forms_page_field(client, paper):
    from django.contrib.auth.models import Group, User

    editor = User.objects.create_user("bianji", is_staff=True)
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "2021-10-12",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "page",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [
        "2021年10月12日 第1版 要闻",
        "2021年10月12日 第2版 综合",
    ]
    assert client.get("/admin/articles/edition/").status_code == 200
    assert client.get("/admin/articles/page/").status_code == 200


@pytest.mark.parametrize("day", ["1021-09-30", "2099-01-01"])
def test_an_edition_date_follows_the_story_date_rule(db, day):
    import datetime

    from django.core.exceptions import ValidationError

    from articles.models import Edition

    with pytest.raises(ValidationError) as error:
        Edition(date=datetime.date.fromisoformat(day)).full_clean()
    assert list(error.value.message_dict) == ["date"]
