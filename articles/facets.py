"""Facets: how the stories of a listing or a search spread over districts, reporters, tags and
time, each value a link that adds it as a filter.

The cost is bounded whatever the number of results. Up to EXACT_LIMIT stories are counted
exactly. Beyond that, only the results whose id falls on an evenly spaced grid of ids are
counted (a systematic sample: ids follow the order stories were added, not their date, reporter
or topic, so every facet is sampled alike), at most SAMPLE_GRID ids looked up by primary key,
and the counts are scaled to the whole and marked as estimates. Four queries when counting
exactly: the ids and dates of the stories counted, their districts (with each district's city),
reporters and tags; a sample reads the id range first, a fifth.
"""

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Max, Min
from taggit.models import TaggedItem

from .generation import current_state
from .models import Article, Byline

EXACT_LIMIT = 3000
SAMPLE_TARGET = 500  # results a sample should hold: counts of large values within ~5%
SAMPLE_GRID = 3000  # each looked up by primary key (a search reads its vector too)
TOP = 10  # reporters and tags shown
CACHE_SECONDS = 24 * 60 * 60
TIMELINE_MAX_YEARS = 40  # a longer span draws only the years that have stories


@dataclass
class FacetValue:
    label: str
    count: int
    url: str
    selected: bool = False


@dataclass
class Bar:
    label: str
    count: int
    url: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class Facets:
    estimated: bool
    districts: list
    reporters: list
    tags: list
    periods: list  # years; months when every result is in one year
    by_month: bool
    timeline: list  # Bars

    TIMELINE_WIDTH = 280
    TIMELINE_HEIGHT = 72


def sample_of(articles, total):
    """`articles`, or the part of them on a grid of ids when counting all would be slow;
    returns it and whether it is a sample. The id range is read only when sampling."""
    if total <= EXACT_LIMIT:
        return articles, False
    span = Article.objects.aggregate(first=Min("pk"), last=Max("pk"))
    if span["first"] is None:
        return articles, False
    width = span["last"] - span["first"] + 1
    grid = min(SAMPLE_GRID, math.ceil(width * SAMPLE_TARGET / total))
    step = width // grid
    if step <= 1:
        return articles, False
    return articles.filter(pk__in=range(span["first"], span["last"] + 1, step)), True


def district_counts(ids):
    """(slug, name, stories) for each region with stories, a region counting its districts'
    stories too (as the district filter does), in the regions' order. One query: the stories'
    districts with each district's city (the tree is one level deep), as plain values (rows
    of model instances cost a quarter of a second for 3,000 stories), counted here."""
    links = Article.districts.through.objects.filter(article_id__in=ids).values_list(
        "article_id",
        "region__position",
        "region__name",
        "region__slug",
        "region__parent__position",
        "region__parent__name",
        "region__parent__slug",
    )
    stories = defaultdict(set)  # (position, name, slug) → the ids of its stories
    for article_id, *district, city_position, city_name, city_slug in links:
        stories[tuple(district)].add(article_id)
        if city_slug is not None:
            stories[(city_position, city_name, city_slug)].add(article_id)
    return [(slug, name, len(found)) for (_, name, slug), found in sorted(stories.items())]


def reporter_counts(ids):
    return (
        Byline.objects.filter(article_id__in=ids)
        .values_list("reporter__slug", "reporter__name")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "reporter__slug")[:TOP]
    )


def tag_counts(ids):
    return (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id__in=ids
        )
        .values_list("tag__slug", "tag__name")
        .annotate(n=Count("object_id", distinct=True))
        .order_by("-n", "tag__name")[:TOP]
    )


def month_counts(dates):
    """{(year, month): stories} of a list of dates."""
    return Counter((day.year, day.month) for day in dates)


def cached_facets(params, total, path):
    """count_facets, kept for the listing (its address but the page: every page of a listing
    shows the same facets) until the generation its results follow moves on: the counts
    generation for filters and periods, the generation for a search (text decides what it
    finds)."""
    state = current_state()
    generation = state.generation if params.searching else state.counts_generation
    listing = hashlib.sha256(f"{path}{params.url_with()}".encode()).hexdigest()
    return cache.get_or_set(
        f"facets:{generation}:{listing}", lambda: count_facets(params, total, path), CACHE_SECONDS
    )


def count_facets(params, total, path):
    """The facets of what `params` (a listing.ListingParams) lists: `total` stories, exact or
    estimated. Links keep every other parameter; `path` is the listing's own."""
    articles, estimated = sample_of(params.matching_articles().order_by(), total)
    # The stories counted are read once, so that a search's match is evaluated once; the
    # other facets look them up by id in the join tables' indexes.
    rows = list(articles.values_list("pk", "published_on"))
    ids = [pk for pk, _ in rows]
    months = month_counts(day for _, day in rows)
    if not rows:
        return None
    scale = total / len(rows) if estimated else 1

    def value(name, slug, label, n):
        selected = name in params.filters and params.filters[name].slug == slug
        url = params.url_without(name, path=path) if selected else params.url_with(**{name: slug})
        return FacetValue(label, round(n * scale), url, selected)

    skip = params.url_filter
    districts = [] if skip == "district" else district_counts(ids)
    reporters = [] if skip == "reporter" else reporter_counts(ids)
    tags = [] if skip == "tag" else tag_counts(ids)
    periods, by_month = period_counts(months, params, scale)
    return Facets(
        estimated=estimated,
        districts=[value("district", slug, name, n) for slug, name, n in districts],
        reporters=[value("reporter", slug, name, n) for slug, name, n in reporters],
        tags=[value("tag", slug, name, n) for slug, name, n in tags],
        periods=periods,
        by_month=by_month,
        timeline=timeline_bars(periods),
    )


def period_counts(months, params, scale):
    """Years (every year from the first to the last, when that is not too many), or the
    twelve months when every story is in one year; each links to its period."""
    years = sorted({year for year, _ in months})
    if len(years) == 1:
        year = years[0]
        periods = []
        for month in range(1, 13):
            text = f"{year:04}-{month:02}"
            n = round(months.get((year, month), 0) * scale)
            url = params.url_with(**{"from": text, "to": text})
            periods.append(FacetValue(f"{year}年{month}月", n, url))
        return periods, True
    by_year = {}
    for (year, _), n in months.items():
        by_year[year] = by_year.get(year, 0) + n
    if years and years[-1] - years[0] < TIMELINE_MAX_YEARS:
        years = range(years[0], years[-1] + 1)
    periods = [
        FacetValue(
            f"{year}年",
            round(by_year.get(year, 0) * scale),
            params.url_with(**{"from": f"{year:04}", "to": f"{year:04}"}),
        )
        for year in years
    ]
    return periods, False


def timeline_bars(periods):
    """Bars of an SVG chart of the periods, in its viewBox's units (Facets.TIMELINE_*)."""
    if not periods:
        return []
    most = max(p.count for p in periods) or 1
    width = Facets.TIMELINE_WIDTH / len(periods)
    chart = Facets.TIMELINE_HEIGHT - 16  # room for the labels below the bars
    bars = []
    for i, period in enumerate(periods):
        height = chart * period.count / most
        if period.count:
            height = max(height, 1.5)  # a story or two still shows
        bars.append(
            Bar(
                label=period.label,
                count=period.count,
                url=period.url,
                x=round(i * width + width * 0.1, 2),
                y=round(chart - height, 2),
                width=round(width * 0.8, 2),
                height=round(height, 2),
            )
        )
    return bars
