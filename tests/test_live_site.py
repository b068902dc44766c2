"""The deployed shape on PostgreSQL: several gunicorn processes sharing one database (and one
Redis), and a database that goes away and comes back. Skipped on SQLite; CI's PostgreSQL pass
runs it.

Real processes, real HTTP, a real outage: the database is made to refuse connections
(`ALTER DATABASE … ALLOW_CONNECTIONS false` and every server connection terminated), and is
always allowed again, whatever the test's outcome.
"""

import http.client
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlencode

import psycopg
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.conftest import ROOT
from tests.test_deployment import free_port, production_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (CI's PostgreSQL pass runs it)",
    ),
]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
EDITOR, PASSWORD = "editor", "a-long-test-password-1"


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {REDIS_URL} is not answering: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is not answering")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = production_env(root, DJANGO_STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return root


@pytest.fixture
def archive(db):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.contrib.auth.models import User

    call_command("loaddata", "seed_reports", verbosity=0)
    editor = User.objects.create_superuser(EDITOR, "editor@example.org")
    # Hashed the way the site under test checks it (the test settings hash with MD5).
    editor.password = PBKDF2PasswordHasher().encode(PASSWORD, "live-site-test-salt")
    editor.save()
    from articles.models import Article

    return Article.objects.get(position=1)


def site_env(static_root, redis):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = production_env(
        static_root,
        DATABASE_URL=url,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_CONN_MAX_AGE="60",
    )
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


@contextmanager
def gunicorn(env, workers=1):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "huzhou_news.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        site = Browser(port)
        for _ in range(150):
            try:
                site.get("/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield site
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=15)
        assert b"Traceback" not in errors, errors.decode()[-3000:]


class Browser:
    """Plain HTTP with its own cookies (the site's cookies are Secure; this is loopback). Every
    process is addressed by the same host name, as a proxy in front of them would."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": "localhost", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://localhost{path}"
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        client.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def get(self, path, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path, data):
        return self.request("POST", path, body=urlencode(data, doseq=True))

    def log_in(self):
        _, _, page = self.get("/admin/login/")
        status, _, _ = self.post(
            "/admin/login/",
            {**form_fields(page), "username": EDITOR, "password": PASSWORD, "next": "/admin/"},
        )
        assert status == 302, status

    def edit_headline(self, story, headline):
        path = f"/admin/articles/article/{story.pk}/change/"
        status, _, page = self.get(path)
        assert status == 200, status
        return self.post(path, {**form_fields(page), "headline": headline, "_save": "保存"})


def errors_in(page):
    soup = BeautifulSoup(page.decode(), "html.parser")
    return [" ".join(e.get_text().split()) for e in soup.select(".errorlist, .errornote")]


def form_fields(page):
    """What a browser would submit from the page's main form, as it stands."""
    forms = BeautifulSoup(page.decode(), "html.parser").find_all(
        "form", method=re.compile("post", re.I)
    )
    form = max(forms, key=lambda f: len(f.find_all(["input", "textarea", "select"])))
    fields = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        kind = (field.get("type") or "").lower()
        if not name or kind in ("submit", "button", "file", "image"):
            continue
        if kind in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            value = field.get_text()
            fields[name] = value[1:] if value.startswith("\n") else value
        elif field.name == "select":
            chosen = [o.get("value", o.get_text()) for o in field.find_all("option", selected=True)]
            fields[name] = chosen if field.has_attr("multiple") else (chosen or [""])[0]
        else:
            fields[name] = field.get("value", "")
    return fields


@pytest.mark.parametrize("cache", ["redis", "memory of each process"])
def test_an_edit_through_one_process_is_seen_at_once_through_the_other(archive, static_root, cache):
    if cache == "redis":
        redis_or_skip()
    env = site_env(static_root, redis=cache == "redis")
    with gunicorn(env) as one, gunicorn(env) as other:
        path = archive.get_absolute_url()
        for site in (other, other, one):
            status, headers, _ = site.get(path)
            assert status == 200
        assert headers["x-page-cache"] == ("hit" if cache == "redis" else "miss")
        etag = headers["etag"]
        assert other.get(path)[1]["x-page-cache"] == "hit"

        editor = Browser(one.port)
        editor.log_in()
        status, _, page = editor.edit_headline(archive, "两个进程之间的新标题")
        assert status == 302, errors_in(page)

        # The old ETag no longer matches, and the other process renders the page afresh.
        status, headers, page = other.get(path, **{"If-None-Match": etag})
        assert (status, headers["x-page-cache"]) == (200, "miss")
        assert "两个进程之间的新标题" in page.decode()
        status, headers, page = one.get(path, **{"If-None-Match": etag})
        assert (status, headers["x-page-cache"]) == (200, "hit" if cache == "redis" else "miss")
        assert "两个进程之间的新标题" in page.decode()
        assert other.get(path)[1]["x-page-cache"] == "hit"


@contextmanager
def database_refusing_connections():
    """The test database refuses new connections and loses its current ones (but this test's
    own), until the block ends, however it ends."""
    db = connection.settings_dict
    admin_url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    name = db["NAME"]
    own_pid = connection.cursor().connection.info.backend_pid
    with psycopg.connect(admin_url, autocommit=True) as admin:
        try:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [name, own_pid],
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def test_a_database_outage_is_a_503_and_cached_pages_stay_up(archive, static_root):
    env = site_env(static_root, redis=False)
    story_path = archive.get_absolute_url()
    with gunicorn(env) as site:
        status, headers, healthy = site.get("/healthz")
        assert (status, healthy) == (200, b'{"status": "ok", "database": "ok"}')
        assert site.get(story_path)[0] == 200  # now in the page cache
        editor = Browser(site.port)
        editor.log_in()
        change_path = f"/admin/articles/article/{archive.pk}/change/"
        change_form = form_fields(editor.get(change_path)[2])

        with database_refusing_connections():
            status, headers, body = site.get("/healthz")
            assert (status, body) == (503, b'{"status": "unavailable", "database": "unavailable"}')

            status, headers, body = site.get(story_path)
            assert status == 200
            assert headers["x-page-cache"] == "stale"
            assert headers["warning"] == '111 - "Revalidation Failed"'
            assert int(headers["age"]) >= 0
            assert archive.headline in body.decode()

            never_cached = ["/tags/", "/articles/?page=2", "/search/?q=%E6%B9%96", "/api/articles/"]
            for path in never_cached:
                status, headers, body = site.get(path)
                assert status == 503, path
                assert headers["retry-after"] == "30"
                assert "档案暂时无法访问" in body.decode(), path

            status, _, body = editor.post(
                change_path, {**change_form, "headline": "停机时的修改", "_save": "保存"}
            )
            assert status == 503
            assert "您刚才的修改没有保存" in body.decode()

        # Back without a restart: the next requests reconnect.
        for _ in range(20):
            if site.get("/healthz")[0] == 200:
                break
            time.sleep(0.2)
        assert site.get("/healthz")[0] == 200
        assert site.get("/tags/")[0] == 200
        archive.refresh_from_db()
        assert (
            archive.headline == "发现问题排查见底 推动隐患整改见效 全力以赴打赢国庆安保维稳攻坚战"
        )
        assert editor.edit_headline(archive, "恢复后的修改")[0] == 302
        assert "恢复后的修改" in site.get(story_path)[2].decode()
