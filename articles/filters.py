"""The listing filters of a request, parsed once: used alike by the HTML listings, the search
page, the feeds' pages and the JSON API, so that a filter added here reaches all of them."""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404
from taggit.models import Tag

from . import search
from .models import Article, Region, Reporter

FILTER_MODELS = {"reporter": Reporter, "district": Region, "tag": Tag}
FILTER_LABELS = {"reporter": "记者", "district": "地区", "tag": "标签"}


@dataclass
class ListingFilters:
    """`objects`: the filters by name ("reporter", "district", "tag") to a Reporter, a Region
    or a taggit Tag; `query`: the search typed in `q` (may be empty)."""

    objects: dict = field(default_factory=dict)
    query: str = ""

    @classmethod
    def from_params(cls, params, fixed=None):
        """Parse a query string (a QueryDict or dict). `fixed` is a (name, slug) pair that the
        URL names (`/reporters/<slug>/`), taking the place of that parameter. An unknown slug
        raises Http404."""
        objects = {}
        for name, model in FILTER_MODELS.items():
            slug = fixed[1] if fixed and fixed[0] == name else params.get(name)
            if slug and "\x00" in slug:
                # No slug holds a NUL, and PostgreSQL refuses to compare with one.
                raise Http404
            if slug:
                objects[name] = get_object_or_404(model, slug=slug)
        return cls(objects=objects, query=(params.get("q") or "").strip())

    def articles(self):
        """The filtered stories: best match first when searching, else newest first. A query
        the search refuses raises search.InvalidQuery when the queryset is built."""
        articles = Article.objects.filter_by(**self.objects)
        return articles.search(self.query) if self.query else articles.latest_first()

    def count(self, ranked_count):
        """(count, is_estimate) for a listing whose paginator counted `ranked_count`. A search
        ranks only the newest search.CANDIDATES matches; when it reaches that cap, the count
        is the database's estimate and says so, rather than the cap passed off as the total."""
        if not self.query or ranked_count < search.CANDIDATES:
            return ranked_count, False
        articles = Article.objects.filter_by(**self.objects)
        return max(search.estimate_count(articles, self.query), ranked_count), True


def filter_articles(params, fixed=None):
    """The one seam: a query string in, (the filtered stories, the parsed filters) out."""
    filters = ListingFilters.from_params(params, fixed)
    return filters.articles(), filters
