"""The read-only JSON API."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_list_gives_stories_newest_first_with_their_metadata(client, seed):
    data = client.get("/api/articles/").json()
    assert data["count"] == 4 and data["page"] == 1 and data["next"] is None
    first = next(r for r in data["results"] if r["id"] == seed[1].pk)
    assert first["headline"] == seed[1].headline
    assert first["published_on"] == "2021-09-30" and first["date_is_estimated"] is True
    assert [(b["role"], b["name"]) for b in first["bylines"]] == [
        ("本报记者", "徐冬梅"),
        ("见习记者", "曹凯琳"),
        ("通讯员", "高飞"),
    ]
    assert len(first["districts"]) == 6


def test_the_list_takes_the_listing_filters(client, seed):
    data = client.get("/api/articles/", {"reporter": "cao-kailin", "district": "nanxun"}).json()
    assert [r["id"] for r in data["results"]] == [seed[1].pk]


def test_the_list_searches(client, seed):
    data = client.get("/api/articles/", {"q": "反邪教"}).json()
    assert [r["id"] for r in data["results"]] == [seed[3].pk]
    assert "<mark>反邪教</mark>" in data["results"][0]["snippet_html"]


def test_a_story_in_full(client, seed):
    data = client.get(f"/api/articles/{seed[2].pk}/").json()
    assert data["dateline"] == "本报讯"
    assert data["body"] == seed[2].body
    assert data["source"] == {"page": "000_fbd30dea7fb6adfd", "position": 2}


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/articles/999999/", 404),
        ("/api/articles/?page=99", 404),
        ("/api/articles/?reporter=nobody", 404),
        ("/api/articles/?q=" + "国" * 10_000, 400),
    ],
)
def test_errors_come_back_as_json(client, seed, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
