"""Page latency at scale: median and 95th percentile of each kind of page, with query counts.

Not a test: it prints a table. Run it against a database holding a generated corpus, e.g.

    createdb -h 127.0.0.1 -U postgres huzhou_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhou_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed
    .venv/bin/python manage.py generate_corpus --articles 100000 --seed 1
    .venv/bin/python bench/pages_benchmark.py --repeat 30

Requests go through Django's full middleware stack in-process (the test client), so the
figures are Django's own work without network or gunicorn overhead. Every cache (whole
pages included) is cleared before every request unless --warm is given.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhou_news.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Reporter  # noqa: E402
from tests.conftest import clear_caches  # noqa: E402


def pages():
    story = (
        Article.objects.filter(is_generated=True).order_by("id").last() or Article.objects.last()
    )
    busy_reporter = Reporter.objects.with_story_counts().order_by("-story_count").first()
    year = story.published_on.year
    last_page = max(1, -(-Article.objects.count() // settings.ARCHIVE_PAGE_SIZE))
    return [
        ("home", "/"),
        ("story", story.get_absolute_url()),
        ("all stories, page 1", "/articles/"),
        ("all stories, last page", f"/articles/?page={last_page}"),
        ("busiest reporter", busy_reporter.get_absolute_url()),
        ("湖州市 (all)", "/districts/huzhou/"),
        (
            "district + tag + reporter",
            f"/articles/?district=anji&tag=政法&reporter={busy_reporter.slug}",
        ),
        ("tag", "/tags/政法/"),
        ("year archive", f"/archive/{year}/"),
        ("month archive", f"/archive/{year}/{story.published_on.month:02d}/"),
        ("reporters", "/reporters/"),
        ("districts", "/districts/"),
        ("tags", "/tags/"),
        ("latest feed", "/feeds/latest/"),
        ("API list", "/api/articles/"),
    ]


def measure(client, url, repeat, warm):
    timings, queries = [], 0
    for _ in range(repeat):
        if not warm:
            clear_caches()  # whole pages too, or this times the page cache
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="Requests per page.")
    parser.add_argument("--warm", action="store_true", help="Keep the cache between requests.")
    args = parser.parse_args()

    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"{Article.objects.count():,} stories on {connection.vendor}; "
        f"{args.repeat} requests each, cache {'warm' if args.warm else 'cleared'}\n"
    )
    print(f"| {'page':<28} | median ms | p95 ms | queries |")
    print(f"|{'-' * 30}|-----------|--------|---------|")
    for name, url in pages():
        client.get(url)  # first request: connection set-up, template loading
        median, p95, queries = measure(client, url, args.repeat, args.warm)
        print(f"| {name:<28} | {median:9.1f} | {p95:6.1f} | {queries:7d} |")


if __name__ == "__main__":
    main()
