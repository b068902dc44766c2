"""What a story and a listing tell search engines, link previews and browsers: titles,
canonical links, Open Graph, schema.org JSON-LD, breadcrumbs, OpenSearch and feed links."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from articles.models import Article, Byline, Reporter

from .conftest import html

pytestmark = pytest.mark.django_db

ZHENGFA = quote("政法")


def json_ld(page):
    """Every JSON-LD object on the page (a script may hold one object or an array of them)."""
    found = []
    for script in page.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        found += data if isinstance(data, list) else [data]
    return found


def og(page, prop):
    return [m["content"] for m in page.select(f'meta[property="{prop}"]')]


def test_a_story_page_carries_a_canonical_link_and_open_graph(client, seed):
    article = seed[1]
    page = html(client.get(f"/articles/{article.pk}/?utm_source=x&q=<b>"))
    url = f"http://testserver/articles/{article.pk}/"
    assert page.select_one('link[rel="canonical"]')["href"] == url
    assert page.title.string == f"{article.headline} · 湖州新闻档案"
    assert og(page, "og:type") == ["article"]
    assert og(page, "og:title") == [article.headline]
    assert og(page, "og:url") == [url]
    assert og(page, "og:description")[0].startswith("本报讯") or og(page, "og:description")[0]
    assert og(page, "article:published_time") == ["2021-09-30"]
    assert og(page, "article:author") == [
        "http://testserver/reporters/xu-dongmei/",
        "http://testserver/reporters/cao-kailin/",
        "http://testserver/reporters/gao-fei/",
    ]
    assert og(page, "article:tag") == [t.name for t in article.tags.all()]
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_a_story_page_describes_itself_as_a_news_article(client, seed):
    article = seed[1]
    (data,) = json_ld(html(client.get(article.get_absolute_url())))
    url = f"http://testserver/articles/{article.pk}/"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["alternativeHeadline"] == article.kicker
    assert data["datePublished"] == "2021-09-30"
    assert data["dateModified"] == article.updated_at.isoformat()
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "徐冬梅",
            "url": "http://testserver/reporters/xu-dongmei/",
            "jobTitle": "本报记者",
        },
        {
            "@type": "Person",
            "name": "曹凯琳",
            "url": "http://testserver/reporters/cao-kailin/",
            "jobTitle": "见习记者",
        },
        {
            "@type": "Person",
            "name": "高飞",
            "url": "http://testserver/reporters/gao-fei/",
            "jobTitle": "通讯员",
        },
    ]
    places = [p["name"] for p in data["contentLocation"]]
    assert len(places) == 6 and "南浔区" in places and data["about"] == data["contentLocation"]
    assert {p["@type"] for p in data["about"]} == {"Place"}
    assert data["keywords"] == [t.name for t in article.tags.all()]
    assert data["inLanguage"] == "zh-CN"
    assert data["publisher"] == {"@type": "Organization", "name": "湖州日报"}
    assert data["isAccessibleForFree"] is True
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["description"].endswith("（见报日期为编辑推定。）")


def test_no_story_text_can_close_the_script_element(client, seed):
    article = seed[3]
    hostile = '</script><script>alert("x")</script><!-- 标题'
    Article.objects.filter(pk=article.pk).update(headline=hostile, kicker="a & b")
    response = client.get(article.get_absolute_url())
    assert "</script><script>" not in response.content.decode()
    page = html(response)
    assert len(page.select("script")) == 1  # the JSON-LD, whole
    (data,) = json_ld(page)
    assert data["headline"] == hostile and data["alternativeHeadline"] == "a & b"
    assert og(page, "og:title") == [hostile]


def test_a_story_without_bylines_or_an_estimated_date_still_describes_itself(client, seed):
    article = seed[4]
    Byline.objects.filter(article=article).delete()
    Article.objects.filter(pk=article.pk).update(date_is_estimated=False)
    (data,) = json_ld(html(client.get(article.get_absolute_url())))
    assert data["author"] == [] and "推定" not in data["description"]
    assert "alternativeHeadline" not in data


def test_listing_pages_carry_breadcrumbs_and_the_list_of_stories(client, seed):
    page = html(client.get("/reporters/cao-kailin/"))
    breadcrumbs, items = json_ld(page)
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(e["position"], e["name"], e["item"]) for e in breadcrumbs["itemListElement"]] == [
        (1, "首页", "http://testserver/"),
        (2, "记者", "http://testserver/reporters/"),
        (3, "曹凯琳", "http://testserver/reporters/cao-kailin/"),
    ]
    assert items["@type"] == "ItemList"
    assert [e["position"] for e in items["itemListElement"]] == [1, 2, 3]
    assert {e["url"] for e in items["itemListElement"]} == {
        f"http://testserver/articles/{seed[n].pk}/" for n in (1, 3, 4)
    }


@pytest.mark.parametrize(
    "url, names",
    [
        ("/articles/", ["首页", "全部稿件"]),
        ("/districts/", ["首页", "地区"]),
        ("/tags/政法/", ["首页", "标签", "政法"]),
        ("/archive/2021/", ["首页", "2021年"]),
        ("/archive/2021/09/", ["首页", "2021年", "2021年9月"]),
    ],
)
def test_every_listing_has_its_breadcrumbs(client, seed, url, names):
    breadcrumbs = json_ld(html(client.get(url)))[0]
    assert [e["name"] for e in breadcrumbs["itemListElement"]] == names


def test_search_pages_are_not_indexed_and_have_no_canonical(client, seed):
    page = html(client.get("/search/", {"q": "安保"}))
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one('link[rel="canonical"]') is None


@pytest.mark.parametrize(
    "url, title",
    [
        ("/", "首页 · 湖州新闻档案"),
        ("/articles/", "全部稿件 · 湖州新闻档案"),
        ("/reporters/gao-fei/", "高飞的稿件 · 湖州新闻档案"),
        ("/tags/", "标签 · 湖州新闻档案"),
    ],
)
def test_base_html_adds_the_site_name_to_every_title_once(client, seed, url, title):
    assert html(client.get(url)).title.string == title


def test_the_header_search_form_and_the_opensearch_description(client, seed):
    page = html(client.get("/"))
    assert page.select_one("header form[role=search]")["action"] == "/search/"
    link = page.select_one('link[rel="search"]')
    assert link["type"] == "application/opensearchdescription+xml"
    response = client.get(link["href"])
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.findtext("os:ShortName", namespaces=ns) == "湖州新闻档案"
    template = root.find("os:Url[@type='text/html']", ns).get("template")
    assert template == "http://testserver/search/?q={searchTerms}"


@pytest.mark.parametrize(
    "url, feeds",
    [
        ("/", ["/feeds/latest/", "/feeds/latest/atom/"]),
        (
            "/reporters/gao-fei/",
            ["/feeds/latest/", "/feeds/latest/atom/", "/reporters/gao-fei/feed/"]
            + ["/reporters/gao-fei/feed/atom/"],
        ),
        (
            "/districts/nanxun/",
            ["/feeds/latest/", "/feeds/latest/atom/", "/districts/nanxun/feed/"]
            + ["/districts/nanxun/feed/atom/"],
        ),
        (
            "/tags/政法/",
            ["/feeds/latest/", "/feeds/latest/atom/", f"/tags/{ZHENGFA}/feed/"]
            + [f"/tags/{ZHENGFA}/feed/atom/"],
        ),
    ],
)
def test_pages_advertise_their_feeds(client, seed, url, feeds):
    page = html(client.get(url))
    links = page.select('link[rel="alternate"][type$="+xml"]')
    assert [link["href"] for link in links] == feeds
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200
        assert response["Content-Type"].startswith(link["type"])


def test_the_footer_links_to_the_api_docs(client, seed):
    page = html(client.get("/"))
    assert page.select_one('footer a[href="/api/docs/"]') is not None
    assert client.get("/api/docs/").status_code == 200


def test_markup_in_a_reporters_name_stays_text(client, seed):
    Reporter.objects.filter(slug="gao-fei").update(name="<b>高飞</b>")
    page = html(client.get(seed[2].get_absolute_url()))
    (data,) = json_ld(page)
    assert "<b>高飞</b>" in [a["name"] for a in data["author"]]
    assert page.select_one(".story__byline b") is None


def test_a_later_page_of_a_listing_is_its_own_canonical_address(client, seed):
    from django.core.management import call_command

    call_command("generate_corpus", "--articles", "25", "--seed", "3", verbosity=0)
    first = html(client.get("/articles/?utm_source=x"))
    second = html(client.get("/articles/?page=2&utm_source=x"))
    assert first.select_one('link[rel="canonical"]')["href"] == "http://testserver/articles/"
    assert (
        second.select_one('link[rel="canonical"]')["href"] == "http://testserver/articles/?page=2"
    )
