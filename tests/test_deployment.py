"""The site as it is deployed: settings from the environment, gunicorn, whitenoise, debug off."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import ROOT


def manage(*args, env, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="huzhou_news.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-test-secret-key-for-the-deployment-test",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        # Plain HTTP on loopback: production's redirect to HTTPS switched off, as for a local run.
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    env.update(extra)
    return env


def test_the_site_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_on_needs_no_secret_key(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    del env["DJANGO_SECRET_KEY"]
    assert manage("check", env=env).returncode == 0


def test_every_model_change_has_its_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def gunicorn_site(tmp_path):
    """The seeded site under gunicorn with debug off, the way production runs it."""
    env = production_env(tmp_path)
    manage("migrate", "--noinput", env=env)
    manage("load_seed", env=env)
    manage("collectstatic", "--noinput", env=env)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "huzhou_news.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_seeded_site_serves_with_debug_off(gunicorn_site):
    status, headers, body = fetch(f"{gunicorn_site}/")
    page = body.decode()
    assert status == 200
    assert "发现问题排查见底 推动隐患整改见效" in page
    assert "Content-Security-Policy" in headers

    # Static files under hashed names, compressed, cacheable forever.
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, _ = fetch(gunicorn_site + stylesheet, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")


def test_unknown_pages_get_the_friendly_404_with_debug_off(gunicorn_site):
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(f"{gunicorn_site}/articles/999999/")
    assert error.value.code == 404
    assert "没有找到这个页面" in error.value.read().decode()


def test_the_application_does_what_a_workers_first_request_would_as_it_loads(tmp_path):
    # huzhou_news/wsgi.py: the URL resolvers' reverse tables filled, the Redis client library
    # imported with the cache backends and the release digested, so that a worker's first page
    # does not take 60–80 ms more than the next. Nothing connects to Redis for it.
    script = (
        "import sys, huzhou_news.wsgi; "
        "from django.urls import get_resolver; "
        "from articles.page_cache import release; "
        "resolver = get_resolver(); "
        "print(resolver._populated, resolver.namespace_dict['articles'][1]._populated, "
        "'redis' in sys.modules, release.cache_info().currsize)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert loaded.stdout.split() == ["True", "True", "True", "1"]


def test_the_application_leaves_what_it_loaded_out_of_garbage_collection(tmp_path):
    # huzhou_news/wsgi.py, as each gunicorn worker loads it: the views and the search's
    # dictionaries are imported and the templates compiled, then frozen, so that a full
    # collection does not walk them.
    script = (
        "import gc, sys, huzhou_news.wsgi; "
        "from django.template import engines; "
        "cache = engines['django'].engine.template_loaders[0].get_template_cache; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'huzhou_news.urls' in sys.modules, "
        "'articles/search.html' in cache and 'includes/facets.html' in cache)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, tracked, urls_loaded, templates_compiled = loaded.stdout.split()
    assert int(frozen) > 200_000  # pypinyin's phrases alone are some 200,000 lists
    assert int(tracked) < 1_000
    assert urls_loaded == "True"  # and every view with it, before the freeze
    assert templates_compiled == "True"  # and the templates
