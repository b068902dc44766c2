"""Citations: GB/T 7714-2015 on the story page, RIS and BibTeX downloads read back by real
parsers (rispy, bibtexparser) and checked against their formats' required fields."""

import datetime

import bibtexparser
import pytest
import rispy

from articles import citations
from articles.models import Article, Byline, Reporter

from .conftest import html, text_of

pytestmark = pytest.mark.django_db

HEADLINE_1 = "发现问题排查见底 推动隐患整改见效 全力以赴打赢国庆安保维稳攻坚战"


def test_the_story_page_shows_the_gbt_7714_citation(client, seed):
    page = html(client.get(seed[1].get_absolute_url()))
    assert text_of(page.select_one(".citation__text")) == (
        f"徐冬梅, 曹凯琳, 高飞. {HEADLINE_1}[N]. 湖州日报, [2021-09-30]."
    )
    links = {a.text: a["href"] for a in page.select(".citation__formats a")}
    assert links == {
        "RIS": f"/articles/{seed[1].pk}/cite.ris",
        "BibTeX": f"/articles/{seed[1].pk}/cite.bib",
    }


def test_a_known_date_is_plain_and_the_paper_is_a_setting(seed, settings):
    settings.ARCHIVE_PUBLICATION_NAME = "南太湖日报"
    article = seed[1]
    article.date_is_estimated = False
    assert citations.gbt7714(article) == (
        f"徐冬梅, 曹凯琳, 高飞. {HEADLINE_1}[N]. 南太湖日报, 2021-09-30."
    )


def test_more_than_three_authors_end_in_deng_and_a_known_page_is_printed(seed, monkeypatch):
    article = seed[1]
    extra = Reporter.objects.create(name="沈洁", slug="shen-jie")
    Byline.objects.create(article=article, reporter=extra, role="correspondent", order=9)
    monkeypatch.setattr(citations, "printed_page_number", lambda article: 3)
    article = Article.objects.for_listing().get(pk=article.pk)
    assert citations.gbt7714(article).startswith("徐冬梅, 曹凯琳, 高飞, 等. ")
    assert citations.gbt7714(article).endswith("[N]. 湖州日报, [2021-09-30](3).")


def test_no_byline_starts_with_the_headline(seed):
    article = seed[4]
    article.bylines.all().delete()
    article = Article.objects.for_listing().get(pk=article.pk)
    assert citations.gbt7714(article) == f"{article.headline}[N]. 湖州日报, [2021-09-30]."


def test_the_ris_download_is_a_news_record(client, seed):
    response = client.get(f"/articles/{seed[1].pk}/cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="huzhou-news-{seed[1].pk}.ris"'
    )
    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0] == "TY  - NEWS" and lines[-1] == "ER  - "
    assert all(line[:2].isalnum() and line[2:6] == "  - " for line in lines)
    (record,) = rispy.loads(text)
    assert record["type_of_reference"] == "NEWS"
    assert record["authors"] == ["徐冬梅", "曹凯琳", "高飞"]
    assert record["title"] == HEADLINE_1
    assert record["secondary_title"] == "湖州日报"
    assert record["year"] == "2021" and record["date"] == "2021/09/30/"
    assert record["urls"] == [f"http://testserver/articles/{seed[1].pk}/"]
    assert record["notes"] == ["日期为推定"]


def test_the_bibtex_download_is_an_article_with_its_required_fields(client, seed):
    response = client.get(f"/articles/{seed[1].pk}/cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="huzhou-news-{seed[1].pk}.bib"'
    )
    (entry,) = bibtexparser.loads(response.content.decode()).entries
    assert entry["ENTRYTYPE"] == "article" and entry["ID"] == f"huzhou-news-{seed[1].pk}"
    # @article requires author, title, journal and year.
    assert entry["author"] == "{徐冬梅} and {曹凯琳} and {高飞}"
    assert entry["title"] == HEADLINE_1
    assert entry["journal"] == "湖州日报"
    assert entry["year"] == "2021" and entry["date"] == "2021-09-30"
    assert entry["note"] == "日期为推定"


def test_odd_stories_still_cite_and_parse(seed):
    article = seed[4]
    article.headline = "50% 的{难题}\n& $#_~^\\ 迎刃而解"
    article.published_on = datetime.date(1, 1, 1)
    article.bylines.all().delete()
    url = "http://testserver/articles/4/"
    (entry,) = bibtexparser.loads(citations.bibtex(article, url)).entries
    assert entry["ENTRYTYPE"] == "misc"  # no author: @article would lack a required field
    assert entry["year"] == "0001" and entry["date"] == "0001-01-01"
    assert (
        entry["title"]
        == r"50\% 的\{难题\} \& \$\#\_\textasciitilde{}\textasciicircum{}\textbackslash{} 迎刃而解"
    )
    (record,) = rispy.loads(citations.ris(article, url))
    assert record["title"] == "50% 的{难题} & $#_~^\\ 迎刃而解"
    assert record["date"] == "0001/01/01/" and "authors" not in record
    assert "[0001-01-01]" in citations.gbt7714(article)


def test_an_unknown_story_has_no_citation(client):
    assert client.get("/articles/999999/cite.ris").status_code == 404
    assert client.get("/articles/999999/cite.bib").status_code == 404
