"""Production defaults: HTTPS and HSTS, secret keys, proxy headers trusted only when configured,
the same security headers on every response, a favicon, request ids and structured logs."""

import json
import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse

from articles import views
from articles.request_logging import JsonFormatter
from tests.conftest import ROOT
from tests.test_deployment import production_env

pytestmark = pytest.mark.django_db

PASSWORD = "湖州-编辑部-2021-秋"
STRONG_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2


def settings_in_a_new_process(tmp_path, *names, **env):
    """The named settings as a fresh process with this environment sees them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result


# --- HTTPS, HSTS, check --deploy, the secret key -----------------------------------------------


def test_check_deploy_passes_with_debug_off_and_no_other_setting(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY=STRONG_KEY)
    del env["DJANGO_SECURE_SSL_REDIRECT"]
    del env["DJANGO_ALLOWED_HOSTS"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_redirects_to_https_and_sends_hsts_unless_switched_off(tmp_path):
    names = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")
    env = {"DJANGO_SECRET_KEY": STRONG_KEY}
    on = settings_in_a_new_process(tmp_path, *names, **env, DJANGO_SECURE_SSL_REDIRECT="")
    off = settings_in_a_new_process(tmp_path, *names, **env, DJANGO_SECURE_SSL_REDIRECT="0")
    debug = settings_in_a_new_process(tmp_path, *names, **env, DJANGO_DEBUG="1")
    assert json.loads(on.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert json.loads(off.stdout)["SECURE_SSL_REDIRECT"] is False
    assert json.loads(off.stdout)["SECURE_HSTS_SECONDS"] == 31536000
    assert json.loads(debug.stdout)["SECURE_SSL_REDIRECT"] is False


@pytest.mark.parametrize(
    "key",
    [
        "short-key",
        "a" * 60,  # long, but one character
        "django-insecure-" + "x1y2z3w4v5" * 5,  # Django's generated development key
    ],
)
def test_a_weak_secret_key_is_refused_at_start(tmp_path, key):
    result = settings_in_a_new_process(tmp_path, "SECRET_KEY", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert key not in result.stderr


def test_a_weak_secret_key_is_fine_for_local_development(tmp_path):
    result = settings_in_a_new_process(
        tmp_path, "DEBUG", DJANGO_SECRET_KEY="short", DJANGO_DEBUG="1"
    )
    assert result.returncode == 0, result.stderr


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/articles/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/articles/"


def test_hsts_on_every_secure_request_and_never_on_plain_http(client, seed):
    for url in ("/", "/articles/999999/", "/favicon.ico", reverse("admin:login")):
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        ), url
        assert "Strict-Transport-Security" not in client.get(url)


# --- Behind a proxy ---------------------------------------------------------------------------


def test_proxy_headers_are_trusted_only_behind_a_proxy(tmp_path):
    names = (
        "SECURE_PROXY_SSL_HEADER",
        "AXES_IPWARE_PROXY_COUNT",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
    )
    env = {"DJANGO_SECRET_KEY": STRONG_KEY}
    direct = json.loads(settings_in_a_new_process(tmp_path, *names, **env).stdout)
    proxied = json.loads(
        settings_in_a_new_process(tmp_path, *names, **env, DJANGO_BEHIND_PROXY="1").stdout
    )
    two = json.loads(
        settings_in_a_new_process(
            tmp_path, *names, **env, DJANGO_BEHIND_PROXY="1", DJANGO_PROXY_COUNT="2"
        ).stdout
    )
    assert direct == {
        "SECURE_PROXY_SSL_HEADER": None,
        "AXES_IPWARE_PROXY_COUNT": None,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
    }
    assert proxied == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "AXES_IPWARE_PROXY_COUNT": 0,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    }
    assert two["AXES_IPWARE_PROXY_COUNT"] == 1


@pytest.mark.parametrize("count", ["0", "-1", "two"])
def test_a_nonsensical_proxy_count_is_refused(tmp_path, count):
    result = settings_in_a_new_process(
        tmp_path, "DEBUG", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_PROXY_COUNT=count
    )
    assert result.returncode != 0
    assert "DJANGO_PROXY_COUNT" in result.stderr


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=None)
def test_without_a_proxy_a_client_cannot_claim_https(client):
    response = client.get("/articles/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_a_proxy_its_https_header_is_believed(client, seed):
    assert client.get("/articles/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/articles/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


@pytest.fixture
def editor(db):
    user = User.objects.create_user("bianji", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


def log_in(client, password, **headers):
    url = reverse("admin:login")
    return client.post(url, {"username": "bianji", "password": password}, **headers)


def lock_out(client, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", **headers)


GUESSER = {"HTTP_X_FORWARDED_FOR": "1.2.3.4", "REMOTE_ADDR": "10.0.0.2"}
EDITOR = {"HTTP_X_FORWARDED_FOR": "5.6.7.8", "REMOTE_ADDR": "10.0.0.2"}


@override_settings(
    AXES_IPWARE_PROXY_COUNT=0,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)
def test_behind_a_proxy_throttling_keys_on_the_forwarded_client_address(client, editor):
    lock_out(client, **GUESSER)
    assert log_in(client, PASSWORD, **GUESSER).status_code == 429
    # The editor comes through the same proxy from another address.
    assert log_in(Client(), PASSWORD, **EDITOR).status_code == 302


@override_settings(
    AXES_IPWARE_PROXY_COUNT=0,
    AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
)
def test_behind_a_proxy_a_forged_forwarded_prefix_does_not_escape_throttling(client, editor):
    # The guesser sends X-Forwarded-For itself; the proxy appends the real address to it.
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 1.2.3.4", REMOTE_ADDR="10.0.0.2")
    forged = {"HTTP_X_FORWARDED_FOR": "9.9.9.99, 1.2.3.4", "REMOTE_ADDR": "10.0.0.2"}
    assert log_in(client, PASSWORD, **forged).status_code == 429
    assert log_in(Client(), PASSWORD, **EDITOR).status_code == 302


def test_without_a_proxy_forwarded_addresses_are_ignored(client, editor):
    lock_out(client, **GUESSER)
    # Another "address" in a header the client wrote itself changes nothing: same REMOTE_ADDR.
    assert log_in(Client(), PASSWORD, **EDITOR).status_code == 429
    assert log_in(Client(), PASSWORD, REMOTE_ADDR="10.0.0.3").status_code == 302


# --- The favicon ------------------------------------------------------------------------------


def test_the_favicon_is_served_and_linked(client, seed):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'href="/static/favicon.svg" type="image/svg+xml"' in page
    assert finders.find("favicon.svg")


# --- Request ids and logs ---------------------------------------------------------------------


def test_a_request_id_is_made_or_taken_from_a_sane_header(client, seed):
    made = client.get("/")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/")["X-Request-ID"] != made
    sane = "nginx-7f3a9c.1:2"
    assert client.get("/", HTTP_X_REQUEST_ID=sane)["X-Request-ID"] == sane
    for insane in ("a b", "x" * 65, "id\nforged log line", "<script>", "ä"):
        echoed = client.get("/", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32


@pytest.fixture
def failing_home(monkeypatch):
    def fail(self):
        raise RuntimeError(f"boom near {settings.SECRET_KEY}")

    monkeypatch.setattr(views.HomeView, "get_queryset", fail)


def test_an_error_is_one_json_line_with_the_request_id_and_no_secrets(
    caplog, failing_home, editor, seed
):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    client.cookies["tracking"] = "cookie-secret-value"
    with caplog.at_level(logging.WARNING):
        response = client.get(
            "/?password=hunter2",
            HTTP_X_REQUEST_ID="req-42",
            HTTP_AUTHORIZATION="Basic c2VjcmV0",
        )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-42"
    assert "req-42" in response.content.decode()  # the 500 page tells the reader its id
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    line = JsonFormatter().format(errors[0])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-42"
    assert entry["status"] == 500
    assert entry["path"] == "/"
    assert entry["error"] == "builtins.RuntimeError"
    assert "get_queryset" in entry["traceback"]
    assert "[masked]" in entry["error_message"]
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    for secret in (settings.SECRET_KEY, session, "cookie-secret-value", "hunter2", "c2VjcmV0"):
        assert secret not in line


def test_a_404_is_logged_as_one_line_with_its_request_id(caplog, client):
    with caplog.at_level(logging.WARNING):
        client.get("/articles/999999/", HTTP_X_REQUEST_ID="req-404")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["request_id"], entry["status"], entry["level"]) == ("req-404", 404, "WARNING")


def test_the_configured_handler_writes_json_from_warning_up():
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert handler.level == logging.WARNING
    assert not logging.getLogger("django").handlers  # no second, unstructured copy
