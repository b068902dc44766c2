"""Sitemap latency at scale: every file the sitemap index lists, median and 95th percentile,
with query counts and size. Not a test: it prints a table. Run it against a generated corpus:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/huzhou_bench DJANGO_DEBUG=1
    .venv/bin/python bench/sitemap_benchmark.py --repeat 10

In-process through Django's full middleware stack (the test client), as pages_benchmark.py.
"""

import argparse
import os
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhou_news.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.conftest import clear_caches  # noqa: E402

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_files(client):
    index = client.get("/sitemap.xml")
    locs = [loc.text for loc in ET.fromstring(index.content).findall("s:sitemap/s:loc", NS)]
    return ["/sitemap.xml", *(loc.replace("http://localhost", "") for loc in locs)]


def measure(client, url, repeat):
    times = []
    for _ in range(repeat):
        clear_caches()  # whole pages too, or this times the page cache
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    urls = response.content.count(b"<loc>")
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return statistics.median(times), p95, len(queries), urls, len(response.content)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="requests per sitemap file")
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    print(f"{Article.objects.count():,} stories on {connection.vendor}\n")
    print("| sitemap file | p50 ms | p95 ms | queries | URLs | KB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for url in sitemap_files(client):
        p50, p95, queries, urls, size = measure(client, url, args.repeat)
        print(f"| {url} | {p50:.0f} | {p95:.0f} | {queries} | {urls:,} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
