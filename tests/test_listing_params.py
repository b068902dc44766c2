"""A listing's parameters (articles/listing.py): the period (`from`, `to`), the order (`sort`)
and hostile values for both, on every listing, the search page and the API.

The seed's four reports are spread over three years here (see `dated`), so that periods and
orders have something to tell apart.
"""

import datetime

import pytest
from django.http import QueryDict

from articles.listing import InvalidParameter, ListingParams, parse_date
from articles.models import Article

from .conftest import DATES, html, text_of

pytestmark = pytest.mark.django_db


def listed(response):
    """The seed positions of the stories in <main>, in order."""
    page = html(response)
    ids = [int(a["href"].rstrip("/").rsplit("/", 1)[1]) for a in page.select("main .card h2 a")]
    by_id = dict(Article.objects.values_list("pk", "position"))
    return [by_id[i] for i in ids]


# --- Parsing dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, start, end, text",
    [
        ("2021", "2021-01-01", "2021-12-31", "2021"),
        ("2021-09", "2021-09-01", "2021-09-30", "2021-09"),
        ("2021-9", "2021-09-01", "2021-09-30", "2021-09"),
        ("2021-09-30", "2021-09-30", "2021-09-30", "2021-09-30"),
        ("2020-02", "2020-02-01", "2020-02-29", "2020-02"),  # a leap year
        ("2021-02", "2021-02-01", "2021-02-28", "2021-02"),
        ("2020-2-29", "2020-02-29", "2020-02-29", "2020-02-29"),
        ("0001", "0001-01-01", "0001-12-31", "0001"),  # an editor may store year 1
        ("9999-12", "9999-12-01", "9999-12-31", "9999-12"),
        ("  2021  ", "2021-01-01", "2021-12-31", "2021"),
    ],
)
def test_a_period_is_inclusive_at_both_ends(value, start, end, text):
    assert parse_date(value, "from") == (datetime.date.fromisoformat(start), text)
    assert parse_date(value, "to", end=True) == (datetime.date.fromisoformat(end), text)


BAD_DATES = [
    "2021-13",
    "2021-00",
    "0000",
    "2021-02-30",
    "2021-02-29",  # not a leap year
    "2021-09-31",
    "2021-09-00",
    "99999",
    "1" * 400,
    "21",
    "2021-",
    "2021-09-",
    "2021/09",
    "2021.09",
    "2021-09-30T00:00",
    "-2021",
    "+2021",
    "1e5",
    "abc",
    "２０２１",  # full-width digits
    "٢٠٢١",  # Arabic-Indic digits: \d would take them without re.ASCII
    "2021\x00",
    "\x00",
    "2021-09-3\u0000",
    "'; DROP TABLE articles_article; --",
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_a_date_that_names_no_day_is_refused(value):
    with pytest.raises(InvalidParameter) as error:
        parse_date(value, "from")
    assert error.value.name == "from" and str(error.value)


def test_empty_dates_are_no_bound():
    params = ListingParams.parse(QueryDict("from=&to=+"))
    assert (params.date_from, params.date_to) == (None, None)
    assert not params.narrowed


def test_from_after_to_is_refused():
    with pytest.raises(InvalidParameter, match="晚于"):
        ListingParams.parse(QueryDict("from=2021-10&to=2021-09"))
    same_month = ListingParams.parse(QueryDict("from=2021-09&to=2021-09"))
    assert same_month.date_from == datetime.date(2021, 9, 1)
    assert same_month.date_to == datetime.date(2021, 9, 30)


@pytest.mark.parametrize(
    "query_string, sort",
    [
        ("", "newest"),
        ("sort=relevance", "newest"),  # nothing to be relevant to
        ("sort=oldest", "oldest"),
        ("q=国庆", "relevance"),
        ("q=国庆&sort=newest", "newest"),
        ("q=国庆&sort=oldest", "oldest"),
        ("q=国庆&sort=", "relevance"),
    ],
)
def test_the_default_order(seed, query_string, sort):
    assert ListingParams.parse(QueryDict(query_string)).sort == sort


@pytest.mark.parametrize("value", ["random", "Newest", "-published_on", "\x00", "relevance,1"])
def test_an_unknown_order_is_refused(value):
    params = QueryDict(mutable=True)
    params["sort"] = value
    with pytest.raises(InvalidParameter):
        ListingParams.parse(params)


def test_the_query_is_parsed_once_into_a_parsed_query(seed):
    params = ListingParams.parse(QueryDict("q=國慶+安保"))
    assert params.query.words == ("国庆", "安保")
    assert ListingParams.parse(QueryDict("q=")).query.text == ""


def test_a_link_changes_its_parameters_and_keeps_the_others_in_order(seed):
    params = ListingParams.parse(QueryDict("utm=a&q=湖州+&utm=b&page=3&sort=oldest&x=<&>"))
    # The page goes (back to the first); a changed parameter goes last; None removes one.
    assert params.url_with() == "?utm=a&utm=b&q=%E6%B9%96%E5%B7%9E+&sort=oldest&x=%3C&%3E="
    assert params.url_with(utm="c") == "?q=%E6%B9%96%E5%B7%9E+&sort=oldest&x=%3C&%3E=&utm=c"
    assert params.url_with(sort=None, q=None) == "?utm=a&utm=b&x=%3C&%3E="
    assert params.url_without("q", "utm", "sort", "x", ">", path="/search/") == "/search/"


# --- Periods on every listing, the search page and the API ----------------------------------


@pytest.mark.parametrize(
    "query_string, expected",
    [
        ("from=2021", [4, 3]),
        ("from=2021-09&to=2021-09", [4, 3]),
        ("from=2021-09-02", [4]),
        ("to=2021-08", [2, 1]),
        ("to=2020", [2, 1]),
        ("from=2020-02-29&to=2020-02-29", [2]),
        ("from=2020-03", [4, 3]),
        ("from=2019-03-16&to=2020-02-28", []),
        ("from=0001", [4, 3, 2, 1]),
        ("to=9999", [4, 3, 2, 1]),
        ("from=2019&to=2021&sort=oldest", [1, 2, 3, 4]),
        ("from=2021&reporter=cao-kailin", [4, 3]),
        ("to=2020&reporter=gao-fei&district=huzhou", [2, 1]),
        ("from=2021&tag=政法&reporter=cao-kailin", [4, 3]),
        ("to=2019&tag=国庆&district=anji", [1]),
    ],
)
def test_a_period_narrows_the_listing(client, dated, query_string, expected):
    assert listed(client.get(f"/articles/?{query_string}")) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/reporters/cao-kailin/?from=2021", [4, 3]),
        ("/reporters/cao-kailin/?to=2020", [1]),
        ("/districts/huzhou/?from=2020&to=2020", [2]),
        ("/tags/政法/?to=2020-12-31", [2]),
        ("/tags/政法/?from=2021-09-30&sort=oldest", [4]),
    ],
)
def test_a_period_narrows_the_reporter_district_and_tag_pages(client, dated, url, expected):
    assert listed(client.get(url)) == expected


@pytest.mark.parametrize(
    "query_string, expected",
    [
        ("q=湖州&from=2021", [3, 4]),  # ranked: 3 has 政法委 in its headline too
        ("q=湖州&to=2020&sort=oldest", [1, 2]),
        ("q=湖州&from=2020&sort=newest", [4, 3, 2]),
        ("q=曹凯琳&from=2021-09-01&to=2021-09-01", [3]),
        ("q=国庆&from=2020", []),
        ("q=政法委&reporter=cao-kailin&from=2021&sort=oldest", [3, 4]),
    ],
)
def test_a_period_narrows_a_search(client, dated, query_string, expected):
    found = listed(client.get(f"/search/?{query_string}"))
    assert found == expected if "sort" in query_string else sorted(found) == sorted(expected)


def test_the_api_takes_the_period_and_the_order(client, dated):
    data = client.get("/api/articles/", {"from": "2020", "sort": "oldest"}).json()
    assert [r["id"] for r in data["results"]] == [dated[p].pk for p in (2, 3, 4)]
    assert data["count"] == 3
    data = client.get("/api/articles/", {"q": "湖州", "to": "2020-02"}).json()
    assert sorted(r["id"] for r in data["results"]) == [dated[1].pk, dated[2].pk]


# --- Sorting --------------------------------------------------------------------------------


def test_listings_sort_newest_or_oldest_first(client, dated):
    assert listed(client.get("/articles/")) == [4, 3, 2, 1]
    assert listed(client.get("/articles/?sort=newest")) == [4, 3, 2, 1]
    assert listed(client.get("/articles/?sort=relevance")) == [4, 3, 2, 1]
    assert listed(client.get("/articles/?sort=oldest")) == [1, 2, 3, 4]
    assert listed(client.get("/reporters/cao-kailin/?sort=oldest")) == [1, 3, 4]


def test_a_search_sorts_by_relevance_or_by_date(client, dated):
    assert listed(client.get("/search/?q=政法委"))[0] == 3  # its headline
    assert listed(client.get("/search/?q=政法委&sort=relevance"))[0] == 3
    assert listed(client.get("/search/?q=政法委&sort=newest")) == [4, 3, 2, 1]
    assert listed(client.get("/search/?q=政法委&sort=oldest")) == [1, 2, 3, 4]
    assert listed(client.get("/articles/?q=政法委&sort=oldest")) == [1, 2, 3, 4]


def test_oldest_first_is_the_exact_reverse_of_latest_first(dated):
    Article.objects.filter(pk=dated[3].pk).update(published_on=DATES[4])  # a tie on the date
    latest = list(Article.objects.latest_first().values_list("pk", flat=True))
    assert list(Article.objects.oldest_first().values_list("pk", flat=True)) == latest[::-1]


def test_date_order_of_a_search_keeps_paging_with_the_order(client, dated, monkeypatch):
    from articles import views

    monkeypatch.setattr(views.SearchView, "paginate_by", 3)
    page = html(client.get("/search/", {"q": "湖州", "sort": "oldest"}))
    next_link = page.select_one("nav.pagination a[rel=next]")["href"]
    assert "sort=oldest" in next_link and "page=2" in next_link
    assert listed(client.get(f"/search/{next_link}")) == [4]


# --- The form and the active filters --------------------------------------------------------


def test_the_listing_has_a_labelled_period_and_order_form_outside_main(client, dated):
    page = html(client.get("/articles/?tag=政法&from=2021&sort=oldest&q=湖州"))
    form = page.select_one("form.refine-form")
    assert form.find_parent("main") is None
    assert form.select_one("input[name=from]")["value"] == "2021"
    assert form.select_one("input[name=to]")["value"] == ""
    for control in form.select("input:not([type=hidden]), select"):
        assert form.select_one(f"label[for={control['id']}]"), control
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden == {"tag": "政法", "q": "湖州"}
    assert form.select_one("select[name=sort] option[selected]")["value"] == "oldest"
    assert not page.select("script:not([type='application/ld+json'])")  # data, not code


def test_the_search_form_holds_the_period_and_the_order(client, dated):
    page = html(client.get("/search/", {"q": "湖州", "to": "2020-2", "reporter": "gao-fei"}))
    form = page.select_one("form.search-page-form")
    assert form.select_one("input[name=to]")["value"] == "2020-02"
    assert form.select_one("select[name=sort] option[selected]")["value"] == "relevance"
    assert form.select_one("input[type=hidden][name=reporter]")["value"] == "gao-fei"
    assert not form.select("input[type=hidden][name=to]")  # shown, not hidden


def test_the_period_is_an_active_filter_removed_with_one_click(client, dated):
    page = html(client.get("/articles/?reporter=cao-kailin&from=2021-09&to=2021"))
    chips = {text_of(a): a["href"] for a in page.select("nav.active-filters a")}
    assert chips == {
        "记者：曹凯琳 ×": "?from=2021-09&to=2021",
        "起始：2021-09 ×": "?reporter=cao-kailin&to=2021",
        "截止：2021 ×": "?reporter=cao-kailin&from=2021-09",
    }
    page = html(client.get("/reporters/cao-kailin/?from=2021"))
    chips = {text_of(a): a["href"] for a in page.select("nav.active-filters a")}
    assert chips == {"起始：2021 ×": "/reporters/cao-kailin/"}


# --- Hostile values: a clear 400, never a 500 -----------------------------------------------

HOSTILE = [
    *(f"from={value}" for value in ("2021-13", "0000", "2021-02-30", "99999", "%00", "%ED%A0%80")),
    *(f"to={value}" for value in ("2021-00", "1" * 300, "2021-9-31", "%EF%BC%92%EF%BC%90")),
    "from=2021-10&to=2021-09",
    "from=2022&to=2021",
    "sort=random",
    "sort=%00",
    "sort=relevance%00",
]


@pytest.mark.parametrize("query_string", HOSTILE)
@pytest.mark.parametrize(
    "path", ["/articles/", "/reporters/cao-kailin/", "/districts/huzhou/", "/tags/政法/"]
)
def test_hostile_values_on_listings_are_a_clear_400(client, dated, path, query_string):
    response = client.get(path, QUERY_STRING=query_string)
    assert response.status_code == 400
    assert "无法理解" in response.content.decode()


@pytest.mark.parametrize("query_string", HOSTILE)
def test_hostile_values_on_the_search_page_are_a_400_with_the_form(client, dated, query_string):
    response = client.get("/search/", QUERY_STRING=f"q=%E6%B9%96%E5%B7%9E&{query_string}")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'name="from"' in page and "\x00" not in page


@pytest.mark.parametrize("query_string", HOSTILE)
def test_hostile_values_in_the_api_are_a_json_400(client, dated, query_string):
    response = client.get("/api/articles/", QUERY_STRING=query_string)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]


def test_the_refusal_says_what_was_wrong(client, dated):
    assert "没有 13 月" in client.get("/articles/?from=2021-13").content.decode()
    assert "2021 年 2 月没有 30 日" in client.get("/api/articles/?to=2021-02-30").json()["error"]
    assert "晚于" in client.get("/search/?q=湖州&from=2022&to=2021").content.decode()
