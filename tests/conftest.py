from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "pages" / "000_fbd30dea7fb6adfd.txt"


def clear_caches():
    """Empty every cache: fragments, lists and whole pages."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()


def planner_queries(count):
    """`count` on PostgreSQL, 0 elsewhere: a search there asks the planner how common its words
    are (EXPLAIN) before choosing how to find and count them; SQLite has no such step."""
    from django.db import connection

    return count if connection.vendor == "postgresql" else 0


def rum_index_files():
    """Each of PostgreSQL's RUM indexes (search.index.RUM_INDEXES) → its file: a new file
    means the index was built anew."""
    from django.db import connection

    from articles.search.index import RUM_INDEXES

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(%s)",
            [list(RUM_INDEXES)],
        )
        return dict(cursor.fetchall())


def forget_pages():
    """Empty the whole-page cache only, so that a request renders again with the other caches
    (the sidebar, counts) as warm as they were."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, dropped only after the background thread's connections
    to them are closed (articles/background.py)."""
    yield
    from articles import background

    background.close_connections()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: cached fragments, lists and pages outlive a
    test's database transaction."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def seed(db):
    """The four seed reports, loaded the way `make run` loads them."""
    call_command("loaddata", "seed_reports", verbosity=0)
    from articles.models import Article

    return {a.position: a for a in Article.objects.all()}


# The seed's four reports spread over three years, so that periods, orders and year facets have
# something to tell apart.
DATES = {1: "2019-03-15", 2: "2020-02-29", 3: "2021-09-01", 4: "2021-09-30"}


@pytest.fixture
def dated(seed):
    from articles.models import Article

    for position, day in DATES.items():
        Article.objects.filter(pk=seed[position].pk).update(published_on=day)
    return seed


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element):
    """An element's text as a reader sees it: runs of white space folded to one space."""
    return " ".join(element.get_text().split())


# --- A real browser (Debian's Chromium driven by Playwright) --------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium for the session; browser tests skip where none is installed,
    except under REQUIRE_BROWSER=1 (CI), where a missing browser is a failure."""
    import os

    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it with apt")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh browser tab (its own cookies) at desktop size."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()
