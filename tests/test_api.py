"""The read-only JSON API: its data, its filters (the listings' own), its errors, its OpenAPI
document and docs page, CORS and conditional GET."""

import pytest
from django.db import connection

from articles import search

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/articles/",
    "/api/articles/{article_id}/",
    "/api/reporters/",
    "/api/districts/",
    "/api/tags/",
]


def test_the_list_gives_stories_newest_first_with_their_metadata(client, seed):
    data = client.get("/api/articles/").json()
    assert set(data) >= {"count", "next", "previous", "results"}
    assert data["count"] == 4 and data["page"] == 1 and data["next"] is None
    assert data["count_is_estimate"] is False
    first = next(r for r in data["results"] if r["id"] == seed[1].pk)
    assert first["headline"] == seed[1].headline
    assert first["published_on"] == "2021-09-30" and first["date_is_estimated"] is True
    assert [(b["role"], b["name"]) for b in first["bylines"]] == [
        ("本报记者", "徐冬梅"),
        ("见习记者", "曹凯琳"),
        ("通讯员", "高飞"),
    ]
    assert first["bylines"][0]["url"] == "http://testserver/reporters/xu-dongmei/"
    assert first["api_url"] == f"http://testserver/api/articles/{seed[1].pk}/"
    assert len(first["districts"]) == 6


def test_the_list_runs_a_fixed_number_of_queries(client, seed, django_assert_num_queries):
    # count, page, the cards' bylines, districts and tags
    with django_assert_num_queries(3):
        assert client.get("/api/articles/").status_code == 200


def test_the_list_takes_the_listing_filters(client, seed):
    data = client.get("/api/articles/", {"reporter": "cao-kailin", "district": "nanxun"}).json()
    assert [r["id"] for r in data["results"]] == [seed[1].pk]


def test_the_list_searches(client, seed):
    data = client.get("/api/articles/", {"q": "反邪教"}).json()
    assert [r["id"] for r in data["results"]] == [seed[3].pk]
    assert "<mark>反邪教</mark>" in data["results"][0]["snippet_html"]
    assert data["count"] == 1 and data["count_is_estimate"] is False


def test_a_count_past_the_ranked_candidates_says_it_is_an_estimate(client, seed, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 2)
    monkeypatch.setattr(search.backends, "CANDIDATES", 2)
    data = client.get("/api/articles/", {"q": "湖州"}).json()
    assert len(data["results"]) == 2  # a search pages through the ranked candidates only
    if connection.vendor == "sqlite":
        # Exact on SQLite, where every match is counted and ranked in one pass.
        assert (data["count"], data["count_is_estimate"]) == (4, False)
    else:
        # Counted up to the candidates on PostgreSQL, the planner's guess beyond: said so.
        assert data["count_is_estimate"] is True


def test_a_story_in_full_with_its_citation(client, seed):
    data = client.get(f"/api/articles/{seed[2].pk}/").json()
    assert data["dateline"] == "本报讯"
    assert data["body"] == seed[2].body
    assert data["source"] == {"page": "000_fbd30dea7fb6adfd", "position": 2}
    assert data["citation"]["gbt7714"].endswith("[N]. 湖州日报, [2021-09-30].")
    assert data["citation"]["ris_url"] == f"http://testserver/articles/{seed[2].pk}/cite.ris"


@pytest.mark.parametrize(
    "url, name, slug, count, link",
    [
        ("/api/reporters/", "曹凯琳", "cao-kailin", 3, "reporter=cao-kailin"),
        ("/api/districts/", "湖州市", "huzhou", 4, "district=huzhou"),
        ("/api/districts/", "南浔区", "nanxun", 1, "district=nanxun"),
        ("/api/tags/", "政法", "政法", 3, "tag=%E6%94%BF%E6%B3%95"),
    ],
)
def test_directories_give_story_counts_and_links(client, seed, url, name, slug, count, link):
    data = client.get(url).json()
    (item,) = [r for r in data["results"] if r["slug"] == slug]
    assert (item["name"], item["story_count"]) == (name, count)
    assert item["articles_url"].startswith("http://testserver/api/articles/?")
    articles = client.get(item["articles_url"].replace("http://testserver", "")).json()
    assert articles["count"] == count
    assert client.get(item["feed_url"].replace("http://testserver", "")).status_code == 200


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/articles/999999/", 404),
        ("/api/articles/?page=99", 404),
        ("/api/articles/?page=0", 400),
        ("/api/articles/?page=abc", 400),
        ("/api/articles/?reporter=nobody", 404),
        ("/api/articles/?tag=%00", 404),
        ("/api/articles/?q=" + "国" * 10_000, 400),
        ("/api/nothing/", 404),
    ],
)
def test_errors_come_back_as_json(client, seed, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]


def test_the_openapi_document_describes_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == sorted(ENDPOINTS)
    parameters = schema["paths"]["/api/articles/"]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {"reporter", "district", "tag", "q", "page"}
    responses = schema["paths"]["/api/articles/{article_id}/"]["get"]["responses"]
    assert set(responses) == {"200", "404"}


def test_the_docs_page_works_offline_with_its_own_csp(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "//cdn" not in page
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/api/articles/")["Content-Security-Policy"]
    assert 'href="/api/docs/"' in client.get("/").content.decode()


def test_the_api_is_open_to_any_origin_for_reading_only(client, seed):
    response = client.get("/api/articles/", headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/articles/",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert client.post("/api/articles/").status_code == 405
    # The rest of the site is not opened up.
    page = client.get("/articles/", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.parametrize("url", ["/api/articles/", "/api/articles/{pk}/", "/api/tags/"])
def test_a_revalidation_answers_304(client, seed, url):
    url = url.format(pk=seed[1].pk)
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_story_revalidates_by_its_last_modification(client, seed):
    url = f"/api/articles/{seed[1].pk}/"
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    seed[1].save()  # a later updated_at
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_an_address_without_its_slash_is_redirected(client, seed):
    response = client.get("/api/articles?tag=x")
    assert response.status_code == 301
    assert response["Location"] == "/api/articles/?tag=x"
