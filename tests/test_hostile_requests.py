"""Requests an attacker, a crawler or a careless editor sends, with debug off: none answers 500.
And the dates that once did: a story in year 1, the admin's year filter, date archives."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from articles.models import Article
from articles.validators import EARLIEST_PUBLICATION_DATE, validate_publication_date
from tests.conftest import html

pytestmark = pytest.mark.django_db

HUGE = "9" * 40
# (method, path, extra request arguments, expected status or None for "anything but a 5xx")
PUBLIC = [
    ("get", "/archive/0/", {}, 404),
    ("get", "/archive/99999/", {}, 404),
    ("get", f"/archive/{HUGE}/", {}, 404),
    ("get", "/archive/9999/12/", {}, 404),
    ("get", "/archive/2021/13/", {}, 404),
    ("get", "/archive/2021/0/", {}, 404),
    ("get", "/archive/0001/", {}, 404),
    ("get", f"/articles/{HUGE}/", {}, 404),
    ("get", "/articles/0/", {}, 404),
    ("get", f"/api/articles/{HUGE}/", {}, 404),
    ("get", "/articles/?page=abc", {}, 404),
    ("get", f"/articles/?page={HUGE}", {}, 404),
    ("get", "/articles/?page=-1", {}, 404),
    ("get", "/articles/?reporter=%00", {}, 404),
    ("get", "/articles/?tag=%00", {}, 404),
    ("get", "/articles/?district=../../etc/passwd", {}, 404),
    ("get", "/articles/?from=2021-02-30", {}, None),
    ("get", "/articles/?from=0000&to=99999", {}, None),
    ("get", "/api/articles/?from=2021-13-45", {}, None),
    ("get", f"/api/articles/?to={HUGE}", {}, None),
    ("get", "/api/articles/?page=0", {}, None),
    ("get", "/tags/%00/", {}, 404),
    ("get", "/tags/" + "长" * 300 + "/", {}, 404),
    ("get", "/tags/%E2%80%AE/", {}, 404),
    ("get", "/reporters/..%2F..%2Fetc%2Fpasswd/", {}, 404),
    ("get", "/static/../huzhou_news/settings.py", {}, 404),
    ("get", "/static/%2e%2e/huzhou_news/settings.py", {}, 404),
    ("get", "/%ff%fe/", {}, 404),
    ("get", "/文章/", {}, 404),
    ("get", "/articles/%F0%9F%92%A9/", {}, 404),
    ("get", "/search/?q=%00", {}, None),
    ("get", '/search/?q="', {}, None),
    ("get", "/search/?q=<script>alert(1)</script>", {}, 200),
    ("get", "/search/?q=" + "a" * 10_000, {}, 400),
    ("get", "/search/?q=%E2%80%AE%F0%9F%92%A9%CC%81%CC%81%CC%81", {}, None),
    ("get", "/articles/?" + "&".join(f"a{n}=1" for n in range(2000)), {}, None),
    ("get", "/articles/?x=" + "y" * 100_000, {}, 200),
    ("get", "/feeds/latest/?x=%00", {}, 200),
    ("get", "/tags/%00/feed/", {}, 404),
    ("get", "/sitemap-nosuch.xml", {}, 404),
    ("get", "/sitemap-articles.xml?p=abc", {}, 404),
    ("get", f"/sitemap-articles.xml?p={HUGE}", {}, 404),
    ("get", "/robots.txt?%00", {}, 200),
    ("get", "/", {"HTTP_HOST": "evil.example"}, 400),
    ("get", "/", {"HTTP_HOST": "localhost:abc"}, 400),
    ("get", "/", {"HTTP_HOST": "a" * 300}, 400),
    ("get", "/", {"HTTP_X_REQUEST_ID": "x\r\nSet-Cookie: a=b"}, 200),
    ("get", "/", {"HTTP_ACCEPT_LANGUAGE": "x" * 5000}, 200),
    ("get", "/", {"HTTP_COOKIE": "sessionid=" + "%00" * 100}, 200),
    ("head", "/", {}, 200),
    ("options", "/articles/", {}, 200),
    ("post", "/", {}, 405),
    ("put", "/articles/1/", {}, 405),
    ("patch", "/api/articles/", {}, 405),
    ("delete", "/tags/", {}, 405),
    ("trace", "/", {}, 405),
    ("post", "/healthz", {}, 405),
    ("post", "/search/?q=x", {"data": {"q": "x" * 100_000}}, 405),
]

ADMIN = [
    ("get", "/admin/articles/article/?year=0", {}, 200),
    ("get", "/admin/articles/article/?year=10000", {}, 200),
    ("get", "/admin/articles/article/?year=²", {}, 200),
    ("get", f"/admin/articles/article/?year={HUGE}", {}, 200),
    ("get", "/admin/articles/article/?year=-1", {}, 200),
    ("get", "/admin/articles/article/?published_on__year=0", {}, None),
    ("get", "/admin/articles/article/?published_on__year=99999&published_on__month=13", {}, None),
    ("get", f"/admin/articles/article/?published_on__year={HUGE}", {}, None),
    ("get", "/admin/articles/article/?published_on__gte=abc", {}, None),
    ("get", "/admin/articles/article/?tags__id__exact=abc", {}, None),
    ("get", f"/admin/articles/article/?tags__id__exact={HUGE}", {}, None),
    ("get", "/admin/articles/article/?q=%00", {}, None),
    ("get", "/admin/articles/article/?q=" + "长" * 1000, {}, None),
    ("get", "/admin/articles/article/?o=abc", {}, None),
    ("get", "/admin/articles/article/?p=abc", {}, None),
    ("get", f"/admin/articles/article/{HUGE}/change/", {}, None),
    ("get", "/admin/articles/article/abc/change/", {}, None),
    ("get", "/admin/articles/article/%00/change/", {}, None),
    ("get", f"/admin/articles/article/1/history/{HUGE}/", {}, None),
    ("post", "/admin/articles/article/1/history/999999/restore/", {}, 404),
    ("get", "/admin/taggit/tag/merge-tags/", {}, None),
    ("get", "/admin/taggit/tag/?q=%00", {}, 200),
    ("get", f"/admin/taggit/tag/{HUGE}/change/", {}, None),
    ("post", "/admin/taggit/tag/", {"data": {"action": "merge_selected"}}, None),
    ("post", "/admin/taggit/tag/", {"data": {"action": "merge_selected", "index": "x"}}, None),
    (
        "post",
        "/admin/articles/article/",
        {"data": {"action": "delete_selected", "_selected_action": [HUGE]}},
        None,
    ),
    (
        "post",
        "/admin/articles/reporter/",
        {"data": {"action": "merge_selected", "_selected_action": ["abc", "1"]}},
        None,
    ),
    ("get", "/admin/articles/reporter/autocomplete/?term=%00", {}, None),
    ("get", "/admin/autocomplete/?app_label=x&model_name=y&field_name=z", {}, None),
    ("get", "/admin/autocomplete/?app_label=articles&model_name=article", {}, None),
    ("get", "/admin/%00/", {}, None),
    ("get", "/admin/articles/article/add/?published_on=0000-00-00", {}, 200),
]

CSRF_LESS = [
    ("post", "/admin/articles/article/add/", {"data": {"headline": "x"}}, 403),
    ("post", "/admin/logout/", {}, 403),
    ("post", "/admin/login/", {"data": {"username": "a", "password": "b"}}, 403),
    ("post", "/admin/password_change/", {}, 403),
]


def send(client, method, path, extra, expected):
    extra = dict(extra)
    data = extra.pop("data", None)
    if method in ("trace",):
        response = client.generic(method.upper(), path, **extra)
    elif data is not None:
        response = getattr(client, method)(path, data, **extra)
    else:
        response = getattr(client, method)(path, **extra)
    assert response.status_code < 500, (method, path, response.status_code)
    if expected is not None:
        assert response.status_code == expected, (method, path, response.status_code)


@pytest.fixture
def chief(db):
    return User.objects.create_superuser("chief", password="x")


@override_settings(DEBUG=False)
@pytest.mark.parametrize("method, path, extra, expected", PUBLIC)
def test_public_hostile_requests(seed, method, path, extra, expected):
    send(Client(raise_request_exception=False), method, path, extra, expected)


@override_settings(DEBUG=False)
@pytest.mark.parametrize("method, path, extra, expected", ADMIN)
def test_admin_hostile_requests(seed, chief, method, path, extra, expected):
    client = Client(raise_request_exception=False)
    client.force_login(chief)
    send(client, method, path, extra, expected)


@override_settings(DEBUG=False)
@pytest.mark.parametrize("method, path, extra, expected", CSRF_LESS)
def test_admin_posts_without_a_csrf_token(seed, chief, method, path, extra, expected):
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.force_login(chief)
    send(client, method, path, extra, expected)


def test_the_table_is_long_enough():
    assert len(PUBLIC) + len(ADMIN) + len(CSRF_LESS) >= 40


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [datetime.date.min, datetime.date(1, 1, 1), datetime.date.max])
def test_a_story_dated_at_the_ends_of_the_calendar_shows_its_page(client, seed, day):
    # Written behind the admin's back (an old import, a database edit): the page must hold.
    Article.objects.filter(pk=seed[1].pk).update(published_on=day)
    seed[2].tags.add(*seed[1].tags.all())
    page = html(client.get(seed[1].get_absolute_url()))
    assert page.select_one("h1")
    assert client.get("/").status_code == 200
    # No archive of year 1 or 9999 (outside the date rule): a 404, not a 500.
    assert client.get(f"/archive/{day.year}/").status_code in (200, 404)


def test_the_admin_year_filter_still_filters(client, seed, chief):
    client.force_login(chief)
    response = client.get("/admin/articles/article/?year=2021")
    assert "4 稿件" in response.content.decode() or "4 个稿件" in response.content.decode()
    response = client.get("/admin/articles/article/?year=0")
    assert "0 稿件" in response.content.decode() or "0 个稿件" in response.content.decode()


@pytest.mark.parametrize(
    "day, ok",
    [
        (datetime.date(1, 1, 1), False),
        (datetime.date(1849, 12, 31), False),
        (EARLIEST_PUBLICATION_DATE, True),
        (datetime.date(2021, 9, 30), True),
        (None, True),  # today
        (datetime.date(9999, 12, 31), False),
    ],
)
def test_the_date_rule(day, ok):
    day = day or timezone.localdate()
    if ok:
        validate_publication_date(day)
    else:
        with pytest.raises(ValidationError):
            validate_publication_date(day)


@pytest.mark.parametrize("day", ["0001-01-01", "1849-12-31", "2999-01-01", "10000-01-01"])
def test_the_admin_refuses_dates_out_of_range(client, seed, chief, day):
    from tests.test_admin import errors_of, save_article

    client.force_login(chief)
    response = save_article(client, seed[1], published_on=day)
    assert response.status_code == 200
    assert any("见报日期" in error for error in errors_of(response))
    seed[1].refresh_from_db()
    assert seed[1].published_on == datetime.date(2021, 9, 30)


def test_article_clean_uses_the_date_rule(seed):
    article = seed[1]
    article.published_on = datetime.date(1, 1, 1)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "1850-01-01" in str(error.value.message_dict["published_on"])
