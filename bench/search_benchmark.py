"""Search latency at scale: our search next to a naive `icontains` scan. Not a test: it prints a
table. Run it against PostgreSQL holding a generated corpus, e.g.

    createdb -h 127.0.0.1 -U postgres huzhou_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhou_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed
    .venv/bin/python manage.py generate_corpus --articles 100000 --seed 1
    .venv/bin/python bench/search_benchmark.py --repeat 7

For each query, "search" is what the search page asks of the search index: the count, the first
page of 20 stories ranked, and the planner's estimate when the count reaches the cap of ranked
candidates; "page" is the whole /search/ request through Django's middleware and template,
in-process, including each card's bylines, districts and tags and the highlighted snippets.
"icontains" is the naive alternative: every word matched with ILIKE in headline, kicker,
subheadline or body, then the count and the newest 20. Times are medians.
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
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from articles import search  # noqa: E402
from articles.models import Article  # noqa: E402

PAGE = 20
QUERIES = [
    ("common word", "湖州"),
    ("Traditional input", "國慶"),
    ("mid-frequency word", "排查"),
    ("rare word (70 stories)", "龙骨"),
    ("person's name", "王宝龙"),
    ("two words", "安保 维稳"),
    ("two common words", "湖州 政法"),
    ("phrase", '"排查见底"'),
    ("nowhere", "火星探测器"),
]


def our_search(query):
    parsed = search.parse_query(query)
    count = search.count(Article.objects.all(), parsed)
    first_page = list(Article.objects.search(parsed)[:PAGE])
    return count, first_page


def naive_search(query):
    articles = Article.objects.all()
    for word in query.replace('"', " ").split():
        articles = articles.filter(
            Q(headline__icontains=word)
            | Q(kicker__icontains=word)
            | Q(subheadline__icontains=word)
            | Q(body__icontains=word)
        )
    articles = articles.latest_first()
    return articles.count(), list(articles[:PAGE])


def page(client, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST="localhost")
    assert response.status_code == 200, response.status_code
    return response


def timed(function, *args, repeat):
    function(*args)  # warm the caches (database pages, segmenter dictionary)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs per query (median).")
    parser.add_argument("--no-naive", action="store_true", help="Skip the slow icontains scan.")
    options = parser.parse_args()

    total = Article.objects.count()
    print(f"{connection.vendor}, {total:,} stories, median of {options.repeat} runs\n")
    client = Client()
    header = (
        f"{'query':<24} {'q':<12} {'matches':>9} {'search ms':>10} {'page ms':>8} "
        f"{'icontains':>10} {'icontains ms':>13}"
    )
    print(header)
    print("-" * len(header))
    for label, query in QUERIES:
        search_ms, (count, _) = timed(our_search, query, repeat=options.repeat)
        page_ms, _ = timed(page, client, query, repeat=options.repeat)
        count, estimated = count.number, "~" if count.estimated else ""
        if options.no_naive:
            naive_ms, naive_count = float("nan"), "-"
        else:
            naive_ms, (naive_count, _) = timed(naive_search, query, repeat=options.repeat)
        print(
            f"{label:<24} {query:<12} {estimated + format(count, ','):>9} {search_ms:>10.1f} "
            f"{page_ms:>8.1f} {naive_count!s:>10} {naive_ms:>13.1f}"
        )


if __name__ == "__main__":
    main()
