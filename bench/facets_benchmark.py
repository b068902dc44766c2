"""The cost of facets at scale: counting by district, reporter, tag and month beside a listing
or a search, sampled (as pages do) and exact (what sampling saves), and the whole page.

Not a test: it prints a table. Run it against a database holding a generated corpus (see
bench/pages_benchmark.py), e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhou_bench .venv/bin/python \\
        bench/facets_benchmark.py --repeat 5
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

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles import facets, search  # noqa: E402
from articles.listing import ListingParams  # noqa: E402
from articles.models import Article, Reporter  # noqa: E402
from tests.conftest import clear_caches  # noqa: E402


def cases():
    """(name, URL filter and slug, query string)."""
    busy = Reporter.objects.with_story_counts().order_by("-story_count").first().slug
    return [
        ("search: common word", None, None, "q=湖州"),
        ("search: mid-frequency word", None, None, "q=排查"),
        ("search: rare word", None, None, "q=龙骨"),
        ("search + year", None, None, "q=湖州&from=2019&to=2019"),
        ("search + reporter, oldest", None, None, f"q=排查&reporter={busy}&sort=oldest"),
        ("busiest reporter", "reporter", busy, ""),
        ("湖州市 (all)", "district", "huzhou", ""),
        ("tag 政法", "tag", "政法", ""),
        ("one year", None, None, "from=2020&to=2020"),
        ("tag + district + month", None, None, "tag=政法&district=anji&from=2020-05&to=2020-05"),
    ]


def url_of(url_filter, slug, query_string):
    if url_filter:
        path = {"reporter": "/reporters/", "district": "/districts/", "tag": "/tags/"}
        path = f"{path[url_filter]}{slug}/"
    else:
        path = "/search/" if "q=" in query_string else "/articles/"
    return f"{path}?{query_string}" if query_string else path


def total_of(params):
    """What the page passes as the total (ArticleFilterMixin.result_count)."""
    if params.searching:
        found = search.count(params.filtered_articles(), params.query)
        return found.number, found.estimated
    return params.articles().count(), False


def time_facets(params, total, repeat, exact):
    limit = facets.EXACT_LIMIT
    facets.EXACT_LIMIT = 10**9 if exact else limit
    try:
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = facets.count_facets(params, total, "/")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        facets.EXACT_LIMIT = limit
    return statistics.median(timings), result


def time_page(client, url, repeat):
    timings = []
    for _ in range(repeat):
        clear_caches()  # whole pages too, or this times the page cache
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), len(captured)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="Runs of each measurement.")
    parser.add_argument(
        "--skip-exact", action="store_true", help="Do not time exact counting (slow)."
    )
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{Article.objects.count():,} stories on {connection.vendor}; medians of {args.repeat}\n")
    print(
        "| case | results | facets ms | sampled? | exact facets ms "
        "| year counts: sampled vs exact | page ms | queries |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, url_filter, slug, query_string in cases():
        params = ListingParams.parse(QueryDict(query_string), url_filter, slug)
        total, estimated = total_of(params)
        sampled_ms, sampled = time_facets(params, total, args.repeat, exact=False)
        if args.skip_exact:
            exact_ms, exact = float("nan"), sampled
        else:
            exact_ms, exact = time_facets(params, total, max(1, args.repeat // 2), exact=True)
        pairs = zip(sampled.periods, exact.periods, strict=True)
        years = ", ".join(f"{p.label} {p.count}/{e.count}" for p, e in pairs)[:60]
        url = url_of(url_filter, slug, query_string)
        client.get(url)  # connection set-up, template loading
        page_ms, queries = time_page(client, url, args.repeat)
        print(
            f"| {name} | {'~' if estimated else ''}{total:,} | {sampled_ms:.1f} "
            f"| {'yes' if sampled.estimated else 'no'} | {exact_ms:.1f} | {years} "
            f"| {page_ms:.1f} | {queries} |"
        )


if __name__ == "__main__":
    main()
