"""Every response carries the same security headers: pages, redirects, error pages of every kind,
the read-only site's 405, CSRF's 403, files served by whitenoise."""

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from articles import views
from tests.conftest import text_of

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for header, value in EXPECTED.items():
        assert response.get(header) == value, header
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
    assert response["X-Request-ID"]


@pytest.fixture
def failing_home(monkeypatch):
    def fail(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.HomeView, "get_queryset", fail)


@pytest.fixture
def staff_without_permissions(db):
    return User.objects.create_user("visitor", password="x", is_staff=True)


def admin_login_without_csrf():
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("admin:login"), {"username": "x", "password": "y"})


@pytest.mark.parametrize(
    "make_response, status",
    [
        (lambda c: c.get("/"), 200),
        (lambda c: c.get("/articles/"), 200),
        (lambda c: c.get("/feeds/latest/"), 200),
        (lambda c: c.get("/api/articles/"), 200),
        (lambda c: c.get("/robots.txt"), 200),
        (lambda c: c.get("/healthz"), 200),
        (lambda c: c.get("/favicon.ico"), 200),
        (lambda c: c.get("/articles"), 301),
        (lambda c: Client().get("/admin/"), 302),
        (lambda c: c.get("/search/?q=" + "长" * 300), 400),
        (lambda c: c.get("/", HTTP_HOST="evil.example"), 400),
        (lambda c: admin_login_without_csrf(), 403),
        (lambda c: c.get("/articles/999999/"), 404),
        (lambda c: c.get("/no/such/page/"), 404),
        (lambda c: c.post("/"), 405),
        (lambda c: c.delete("/articles/1/"), 405),
        (lambda c: c.get(reverse("admin:articles_article_restore", args=[1, 1])), 405),
        (lambda c: Client().get(reverse("admin:login"), secure=True), 200),
        (lambda c: c.get(reverse("admin:articles_article_changelist")), 200),
    ],
)
def test_every_response_carries_the_security_headers(seed, make_response, status):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("chief", password="x"))
    response = make_response(client)
    assert response.status_code == status
    assert_security_headers(response)


def test_the_500_page_carries_them(failing_home, seed):
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_the_403_page_carries_them_and_is_in_the_sites_design(staff_without_permissions):
    client = Client()
    client.force_login(staff_without_permissions)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 403
    assert_security_headers(response)
    assert "无法完成这个请求" in response.content.decode()
    assert 'lang="zh-Hans"' in response.content.decode()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_https_redirect_carries_them():
    response = Client().get("/articles/")
    assert response.status_code == 301
    assert_security_headers(response)


def test_the_csrf_page_is_chinese_and_says_what_to_do(db):
    from bs4 import BeautifulSoup

    response = admin_login_without_csrf()
    assert response.status_code == 403
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert "表单已过期" in text_of(page.select_one("main"))
    assert page.select_one("link[rel=stylesheet]")


@override_settings(DEBUG=False)
def test_a_bad_host_gets_the_chinese_400_page(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "无法理解这个请求" in response.content.decode()
    assert "evil.example" not in response.content.decode()
