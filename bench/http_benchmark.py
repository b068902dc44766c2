"""`make bench`: the archive over HTTP under load, as production serves it, in one table.

Builds the corpus (the seed plus N generated stories: 100,000 by default on PostgreSQL, 3,000 on
the embedded SQLite), starts gunicorn (2 sync workers, debug off) and measures each kind of page:

- requests/s under `wrk -t2 -c8` on loopback (warm: the page cache full), and the ratio to
  `/healthz` measured just before and just after (see `measure`);
- p50 and p95 of single requests: first (the first request for that address since an import
  or a re-tagging: both generations bumped, then another page rendered, as a site in use
  would have, so that what is shared by every page, the browsing sidebar, is counted again
  but this address's own page, counts and facets are not cached), corrected (only the
  generation bumped, as a corrected headline does: what the counts generation labels stays)
  and warm (served from the page cache);
- search (a mix of queries × pages 1–3) beside a naive `icontains` scan (count + first page);
  each search is asked once, untimed, just before the mix is timed (see `settled`);
- the workers' memory (RSS) at the end.

    make bench                      # PostgreSQL when DATABASE_URL says so, else SQLite
    make bench ARTICLES=3000        # the corpus size
    .venv/bin/python bench/http_benchmark.py --articles 3000 --write   # also BENCHMARKS.md

Not a test: timings depend on the machine; read the ratios.
"""

import argparse
import html
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huzhou_news.settings")
os.environ["DJANGO_DEBUG"] = "1"  # this process only builds data and times the naive scan

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F, Q  # noqa: E402

from articles.generation import ArchiveState  # noqa: E402
from articles.models import Article, Reporter  # noqa: E402

# Twenty queries: common and rare words, several words, phrases, names, a word of one story.
SEARCHES = ["湖州", "国庆", "排查", "安保 维稳", '"排查见底"', "王宝龙", "龙骨", "平安", "政法"]
SEARCHES += ["反诈", "南太湖", "火星探测器", "夏文星", "综合治理", "湖州 平安", "吴兴区"]
SEARCHES += ["治安", '"安全隐患"', "长兴 德清", "曹凯琳"]
PORT = 8123
COLD_SAMPLES, WARM_SAMPLES = 10, 30
SLOWEST = 5  # of a page kind's first requests, named under the table (the search mix's)


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def build_corpus(articles):
    manage("migrate", "--noinput", "-v0")
    manage("load_seed")
    if Article.objects.generated().count() != articles:
        manage("generate_corpus", "--clear", "--articles", str(articles), "--seed", "1")


def start_gunicorn(static_root):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", "bench-" + "x" * 60),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(static_root),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"]
        + ["--log-level", "warning", "huzhou_news.wsgi"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(200):
        try:
            fetch("/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def fetch(path):
    url = f"http://127.0.0.1:{PORT}" + urllib.parse.quote(path, safe="/?=&%")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def bump(*generations):
    """What an edit does to the caches: those labelled with these generations are stale."""
    ArchiveState.objects.filter(pk=1).update(**{name: F(name) + 1 for name in generations})


# Before each timed request: which generations to bump (see the docstring).
MODES = {
    "first": ("generation", "counts_generation"),
    "corrected": ("generation",),
    "warm": (),
}
# Rendered, untimed, before a "first" request: a page with the sidebar that no row measures.
ANOTHER_PAGE = "/articles/?page=2"


def percentiles(timings):
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, round(len(timings) * 0.95) - 1)]


def timed(paths, mode):
    """The p50 and p95 of a request to each of `paths` in `mode`, and the SLOWEST slowest
    requests as (ms, path)."""
    timings = []
    for path in paths:
        if MODES[mode]:
            bump(*MODES[mode])
        if mode == "first":
            fetch(ANOTHER_PAGE)
        started = time.perf_counter()
        status = fetch(path)
        timings.append(((time.perf_counter() - started) * 1000, path))
        assert status == 200, (path, status)
    return percentiles([ms for ms, _ in timings]), sorted(timings, reverse=True)[:SLOWEST]


def wrk(paths, seconds):
    """Requests/s with wrk -t2 -c8, cycling through `paths`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{urllib.parse.quote(p, safe="/?=&%")}"' for p in paths)
        script.write(
            f"local paths = {{{quoted}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n"
        )
    result = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", script.name, f"http://127.0.0.1:{PORT}"],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    if "Non-2xx" in result.stdout:
        raise SystemExit(f"errors under load for {paths[:3]}:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def page_kinds():
    story = Article.objects.latest_first().first()
    reporter = Reporter.objects.filter(is_generated=True).first() or Reporter.objects.first()
    last_page = max(1, -(-Article.objects.count() // settings.ARCHIVE_PAGE_SIZE))
    searches = [f"/search/?q={q}&page={n}" for q in SEARCHES for n in (1, 2, 3)]
    return [
        ("/healthz", ["/healthz"]),
        ("story", [story.get_absolute_url()]),
        ("home", ["/"]),
        ("all stories", ["/articles/"]),
        ("all stories, last page", [f"/articles/?page={last_page}"]),
        ("reporter", [reporter.get_absolute_url()]),
        ("district 湖州市", ["/districts/huzhou/"]),
        ("tag", ["/tags/政法/"]),
        ("reporters / districts / tags", ["/reporters/", "/districts/", "/tags/"]),
        ("year archive", [f"/archive/{story.published_on.year}/"]),
        ("latest feed", ["/feeds/latest/"]),
        ("sitemap index", ["/sitemap.xml"]),
        ("sitemap files", sitemap_files()),
        ("search mix", searches),
    ]


def served_once(kinds):
    """Every page kind served by both workers, untimed, before anything is timed: the table
    is of a site in use, and a worker's first request down a code path costs it more than
    any later one (its database connection's first look at each table, code run for the
    first time: a story page 40 ms against 12–16). Each path is asked twice at once, with
    the generations bumped before, so that each worker renders it."""
    with ThreadPoolExecutor(2) as pair:
        for _, paths in kinds:
            for path in paths:
                bump(*MODES["first"])
                list(pair.map(fetch, [path, path]))


def settled(searches):
    """The searches that answer 200 (a rare word has no page 3), each asked once, untimed, just
    before the mix is timed: PostgreSQL's buffers (128 MB here) then hold what searches read,
    not what the sitemap files timed before them read (every story). Both generations are
    bumped before each timed request all the same, so no page, count or facet cached by
    these requests is used."""
    return [path for path in searches if fetch(path) == 200]


def sitemap_files():
    """Every file the sitemap index lists, as paths."""
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sitemap.xml", timeout=60) as response:
        index = response.read().decode()
    urls = (
        urllib.parse.urlsplit(html.unescape(loc)) for loc in re.findall(r"<loc>([^<]+)<", index)
    )
    return [url.path + (f"?{url.query}" if url.query else "") for url in urls]


def naive_scan(queries):
    """The naive search: icontains over headline and body, count plus first page."""
    timings = []
    for query in queries:
        words = query.strip('"').split()
        started = time.perf_counter()
        matching = Article.objects.all()
        for word in words:
            matching = matching.filter(Q(headline__icontains=word) | Q(body__icontains=word))
        matching.count()
        list(matching.order_by("-published_on")[:20].values_list("pk", flat=True))
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def worker_memory(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return max(sizes)


def measure(server, seconds):
    """The table's rows, the naive scan, the largest worker, the search mix's slowest first
    requests (which decide its p95), and every `/healthz` requests/s measured.

    `/healthz` is measured again after each row, and a row's ratio is to the mean of the
    measurements just before and just after it: the machine's speed drifts over the minutes a
    run takes (by a third, on a shared host), and a ratio should compare two pages served in
    the same spell."""
    rows, healthz, slowest = [], [], {}
    kinds = page_kinds()
    served_once(kinds)
    for name, paths in kinds:
        if name == "search mix":
            paths = settled(paths)
        first, slowest[name] = timed(paths * (COLD_SAMPLES // len(paths) or 1), "first")
        corrected, _ = timed(paths * (COLD_SAMPLES // len(paths) or 1), "corrected")
        timed(paths, "warm")  # fill the page cache
        warm, _ = timed(paths * (WARM_SAMPLES // len(paths) or 1), "warm")
        rps = wrk(paths, seconds)
        if not healthz:
            healthz.append(rps)  # the /healthz row: its own measurement is the first
            rows.append((name, rps, 1.0, *first, *corrected, *warm))
            continue
        healthz.append(wrk(["/healthz"], seconds))
        around = (healthz[-2] + healthz[-1]) / 2
        rows.append((name, rps, rps / around, *first, *corrected, *warm))
    return rows, naive_scan(SEARCHES), worker_memory(server), slowest["search mix"], healthz


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if "model name" in line),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def database():
    """The database; for PostgreSQL, its own cache beside the stories' table (with their
    search vectors), so that a reader of the table knows which of the two held the other."""
    if connection.vendor != "postgresql":
        return connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('articles_article'))")
        (stories,) = cursor.fetchone()
    return f"postgresql (shared_buffers {shared_buffers}; the stories' table {stories})"


def table(rows, naive, memory, slowest, healthz, seconds):
    lines = [
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {Article.objects.count():,} stories on "
        f"{database()} · gunicorn 2 sync workers · `wrk -t2 -c8 -d{seconds}s` · {machine()}",
        "",
        "| page | requests/s | × /healthz | first p50 ms | first p95 ms "
        "| corrected p50 ms | corrected p95 ms | warm p50 ms | warm p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, rps, ratio, *timings in rows:
        lines.append(
            f"| {name} | {rps:,.0f} | {ratio:.2f} | "
            + " | ".join(f"{t:.1f}" for t in timings)
            + " |"
        )
    lines.append(
        f"| naive `icontains` scan ({len(SEARCHES)} queries, in-process) | | | "
        f"{naive[0]:.1f} | {naive[1]:.1f} | | | | |"
    )
    search = next(row for row in rows if row[0] == "search mix")
    lines += [
        "",
        f"Search's first requests against the naive scan: {naive[0] / search[3]:.1f}× faster "
        f"at p50, {naive[1] / search[4]:.1f}× at p95.",
        f"`/healthz` before and after each row: {min(healthz):,.0f}–{max(healthz):,.0f} "
        "requests/s; a row's ratio is to the mean of the two around it.",
        f"Largest worker after the run: {memory:.0f} MB resident.",
        "The search mix's slowest first requests: "
        + ", ".join(f"{ms:.1f} ms `{path}`" for ms, path in slowest)
        + ".",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = 100_000 if connection.vendor == "postgresql" else 3_000
    parser.add_argument("--articles", type=int, default=default, help="Generated stories.")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page kind.")
    parser.add_argument("--write", action="store_true", help="Also write BENCHMARKS.md.")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("make bench needs wrk, the load generator: apt-get install wrk")
    build_corpus(args.articles)
    with tempfile.TemporaryDirectory() as static_root:
        server = start_gunicorn(static_root)
        try:
            result = table(*measure(server, args.seconds), args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(result)
    if args.write:
        (ROOT / "BENCHMARKS.md").write_text(HEADER + result + "\n", encoding="utf-8")


HEADER = """# Benchmarks

The latest `make bench` table (bench/http_benchmark.py). Before each timed request, first:
both generations bumped and another page rendered, so that this address's page, counts and
facets are not cached but the sidebar every page shares is (the first request for an address
since an import or a re-tagging); corrected: only the generation bumped, as correcting a
headline does, so counts kept by the counts generation stay; warm: served from the page
cache. Before anything is timed, both workers serve every kind of page once, as a site in
use has; each search is asked once more, untimed, just before the search mix is timed, so
that the database's buffers hold what searches read. Requests/s: `wrk` over the warm pages, and
`/healthz` again after each row: a row's ratio is to the mean of the `/healthz` runs just
before and just after it. The machine is named in the first line; read the ratios, not the
digits.

"""

if __name__ == "__main__":
    main()
