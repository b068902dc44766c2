"""Search latency at scale: /search/ for 20 varied queries × pages 1–3, next to a naive
`icontains` scan. Not a test: it prints two tables. Run it against a generated corpus, e.g.

    createdb -h 127.0.0.1 -U postgres huzhou_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhou_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_seed
    .venv/bin/python manage.py generate_corpus --articles 100000 --seed 1
    .venv/bin/python bench/search_benchmark.py --rounds 3

(or on SQLite: `DATABASE_URL=sqlite:////tmp/bench.sqlite3`, 3,000 stories).

Each request is a whole /search/ request through Django's middleware, view and template,
in-process (as over HTTP, without the socket), including each card's bylines, districts, tags
and highlighted snippet. Every request is a first request for its URL: the whole-page cache
(the `pages` cache, where configured) is emptied before each; caches that serve every URL
alike (the sidebar, the segmenter's names) are warmed once first, as in a running site.
The first table gives, per query, the count the page shows (`~`: an estimate, said to be one),
how many matches have the query in the headline or kicker, and the median time of pages 1, 2
and 3; then p50 and p95 over all requests. The second puts the search page beside a naive
scan: every word matched with ILIKE in headline, kicker, subheadline or body, the count and
the newest 20 (what a site without a search index does), and the ratio.
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
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from articles import search  # noqa: E402
from articles.models import Article  # noqa: E402
from articles.search import backends  # noqa: E402

PAGE = 20
PAGES = (1, 2, 3)
QUERIES = [
    ("common word, common in headlines", "湖州"),
    ("Traditional input", "國慶"),
    ("mid-frequency word", "排查"),
    ("rare word", "龙骨"),
    ("person's name", "王宝龙"),
    ("two words", "安保 维稳"),
    ("two common words", "湖州 政法"),
    ("phrase", '"排查见底"'),
    ("nowhere", "火星探测器"),
    ("common word, in no headline", "平安"),
    ("organisation", "政法委"),
    ("reporter (byline)", "曹凯琳"),
    ("district", "吴兴区"),
    ("tag", "反诈"),
    ("headline word", "征文"),
    ("part of a name", "太湖"),
    ("body word", "疫情"),
    ("title", "书记"),
    ("uncommon word", "走读生"),
    ("phrase of common words", '"湖州政法"'),
]


def forget_pages():
    if "pages" in settings.CACHES:
        caches["pages"].clear()


def timed_page(client, query, page):
    forget_pages()
    started = time.perf_counter()
    response = client.get("/search/", {"q": query, "page": page}, HTTP_HOST="localhost")
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 404), response.status_code  # 404: no such page
    return elapsed


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


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def page_table(client, rounds):
    for query in ("湖州", "warm-up"):  # the sidebar, the names, the database's buffers
        client.get("/search/", {"q": query}, HTTP_HOST="localhost")
    times = {(query, page): [] for _, query in QUERIES for page in PAGES}
    for _ in range(rounds):
        for _, query in QUERIES:
            for page in PAGES:
                times[query, page].append(timed_page(client, query, page))
    header = f"{'query':<32} {'q':<12} {'matches':>9} {'in headline':>11}" + "".join(
        f" {f'page {page} ms':>10}" for page in PAGES
    )
    print(header)
    print("-" * len(header))
    for label, query in QUERIES:
        count = search.count(Article.objects.all(), query)
        headline = backends.count_in_headlines(Article.objects.all(), query)
        shown = ("~" if count.estimated else "") + format(count.number, ",")
        in_headline = ("~" if headline.estimated else "") + format(headline.number, ",")
        medians = "".join(f" {statistics.median(times[query, page]):>10.1f}" for page in PAGES)
        print(f"{label:<32} {query:<12} {shown:>9} {in_headline:>11}{medians}")
    every = [t for samples in times.values() for t in samples]
    print(
        f"\n{len(every)} first requests ({len(QUERIES)} queries × pages 1–3 × {rounds}): "
        f"p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f} ms, "
        f"max {max(every):.1f} ms"
    )
    return times


def naive_table(times, repeat):
    header = f"{'q':<12} {'page 1 ms':>10} {'icontains matches':>18} {'icontains ms':>13} {'×':>6}"
    print("\n" + header)
    print("-" * len(header))
    ratios = []
    for _, query in QUERIES:
        naive = []
        for _ in range(repeat):
            started = time.perf_counter()
            naive_count, _ = naive_search(query)
            naive.append((time.perf_counter() - started) * 1000)
        ours, theirs = statistics.median(times[query, 1]), statistics.median(naive)
        ratios.append(theirs / ours)
        print(f"{query:<12} {ours:>10.1f} {naive_count:>18,} {theirs:>13.1f} {theirs / ours:>6.1f}")
    print(f"\nthe search page is {min(ratios):.0f}× to {max(ratios):.0f}× faster than the scan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="Times each page is requested.")
    parser.add_argument("--repeat", type=int, default=1, help="Timed runs of each naive scan.")
    parser.add_argument("--no-naive", action="store_true", help="Skip the slow icontains scan.")
    options = parser.parse_args()

    load = os.getloadavg()[0]
    total = Article.objects.count()
    print(f"{connection.vendor}, {total:,} stories, load average {load:.1f} at the start\n")
    times = page_table(Client(), options.rounds)
    if not options.no_naive:
        naive_table(times, options.repeat)


if __name__ == "__main__":
    main()
