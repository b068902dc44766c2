from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from . import search
from .facets import count_facets
from .listing import InvalidParameter, ListingParams, mark_matches
from .models import Article, Region, Reporter

RELATED_CACHE_SECONDS = 60 * 60


class Sidebar:
    """What the browsing sidebar lists. Methods, not values, so that a cached sidebar fragment
    runs no queries at all."""

    def regions(self):
        return Region.objects.with_story_counts()

    def tags(self):
        return Article.tags.most_common(min_count=1)[:20]

    def years(self):
        return Article.objects.dates("published_on", "year", order="DESC")


class SidebarMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(sidebar=Sidebar(), **kwargs)


class ArticleFilterMixin(SidebarMixin):
    """A listing's parameters, parsed once by listing.ListingParams (filters by slug, `q`,
    `from`/`to`, `sort`), plus an optional filter fixed by the URL (`/reporters/<slug>/`).
    Unknown slugs are a 404; a value that cannot be understood is a 400."""

    url_filter = None  # "reporter", "district" or "tag" when the URL names one
    filter_labels = {"reporter": "记者", "district": "地区", "tag": "标签"}
    show_facets = True

    @cached_property
    def params(self):
        return ListingParams.from_request(self.request, self.url_filter, self.kwargs.get("slug"))

    def get_filters(self):
        return self.params.filters

    @property
    def query(self):
        return self.params.query.text

    def url_without(self, name):
        """This listing without one parameter (and back on its first page)."""
        return self.params.url_without(name, path=self.request.path)

    def filtered_articles(self):
        """The filtered stories, in the order asked for (best match first when searching)."""
        return self.params.articles()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except (search.InvalidQuery, InvalidParameter) as error:
            return self.invalid_query(error)

    def invalid_query(self, error):
        return render(self.request, "400.html", {"message": str(error)}, status=400)

    def active_filters(self):
        """Each filter the reader chose, with a link that removes it."""
        params = self.params
        chips = [
            {"name": name, "label": self.filter_labels[name], "text": obj.name, "value": obj.slug}
            for name, obj in params.filters.items()
            if name != self.url_filter
        ]
        if params.from_text:
            chips.append({"name": "from", "label": "起始", "text": params.from_text})
        if params.to_text:
            chips.append({"name": "to", "label": "截止", "text": params.to_text})
        for chip in chips:
            chip["remove_url"] = self.url_without(chip["name"])
        return chips

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.params
        context.update(params=params, filters=params.filters, query=params.query.text)
        context["active_filters"] = self.active_filters()
        if params.query:
            for article in context["object_list"]:
                article.marks = mark_matches(article, params.query)
        context["form"] = self.form_values()
        if context.get("paginator"):
            total, estimated = self.result_count(context)
            context.update(result_total=total, result_estimated=estimated)
            if self.show_facets and params.narrowed and total:
                context["facets"] = count_facets(params, total, self.request.path)
        return context

    def result_count(self, context):
        """How many stories are listed, and whether that is an estimate: a search lists only
        its first search.CANDIDATES matches, and counting all of a common word's is slow."""
        count = context["paginator"].count
        if not self.params.query or count < search.CANDIDATES:
            return count, False
        estimate = search.estimate_count(self.params.filtered_articles(), self.params.query)
        return max(estimate, count), True

    def form_values(self):
        """What the period and order controls show, and the filters they keep."""
        params = self.params
        return {
            "q": params.query.text,
            "from": params.from_text,
            "to": params.to_text,
            "sort": params.sort,
            "relevance": bool(params.query.text),  # offered with a query only
            "hidden": [(c["name"], c["value"]) for c in self.active_filters() if "value" in c],
        }


class HomeView(SidebarMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.latest_first().for_listing()[: settings.ARCHIVE_PAGE_SIZE]


class ArticleListView(ArticleFilterMixin, ListView):
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return self.filtered_articles().for_listing()


class ReporterArticleListView(ArticleListView):
    url_filter = "reporter"
    template_name = "articles/reporter_detail.html"


class DistrictArticleListView(ArticleListView):
    url_filter = "district"
    template_name = "articles/district_detail.html"


class TagArticleListView(ArticleListView):
    url_filter = "tag"
    template_name = "articles/tag_detail.html"


class ReporterListView(ListView):
    context_object_name = "reporters"

    def get_queryset(self):
        return Reporter.objects.with_story_counts().filter(story_count__gt=0).order_by("slug")


class DistrictListView(ListView):
    context_object_name = "regions"
    template_name = "articles/district_list.html"

    def get_queryset(self):
        return Region.objects.select_related("parent").with_story_counts()


class TagListView(ListView):
    context_object_name = "tags"
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        return Article.tags.most_common(min_count=1).order_by("-num_times", "name")


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["previous_on_page"], context["next_on_page"] = article.page_neighbours()
        context["related"] = self.related_stories(article)
        return context

    def related_stories(self, article):
        # Scoring costs tens of milliseconds at scale; a story's related list may lag new
        # stories by an hour, and a change to the story itself (updated_at) starts afresh.
        key = f"related:{article.pk}:{article.updated_at.timestamp()}"
        ids = cache.get_or_set(
            key,
            lambda: list(Article.objects.related_to(article).values_list("pk", flat=True)),
            RELATED_CACHE_SECONDS,
        )
        stories = Article.objects.only("headline", "published_on").in_bulk(ids)
        return [stories[pk] for pk in ids if pk in stories]


class ArchiveMixin(SidebarMixin):
    date_field = "published_on"
    make_object_list = True
    allow_future = False
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.latest_first()

    def paginate_queryset(self, queryset, page_size):
        # Prefetch for the page shown only: the views' next/previous-year lookups need none.
        return super().paginate_queryset(queryset.for_listing(), page_size)


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    pass


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


class SearchView(ArticleFilterMixin, ListView):
    """/search/?q=: results with highlights and facets. Parsing, querying and highlighting are
    the search module's, the parameters listing.ListingParams'; this adds the count, the help
    for an empty query and the suggestions for none found."""

    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"

    def get_queryset(self):
        if not self.params.query:
            return Article.objects.none()
        return self.filtered_articles().for_listing()

    def invalid_query(self, error):
        # The search page itself, with what the reader typed, so that they can correct it.
        values = {
            name: search.clean_input(self.request.GET.get(name, "")[: search.MAX_QUERY_LENGTH])
            for name in ("q", "from", "to", "sort", *self.filter_labels)
        }
        hidden = [(name, values[name]) for name in self.filter_labels if values[name]]
        context = {
            "error": str(error),
            "query": values["q"],
            "form": {**values, "hidden": hidden, "relevance": True},
        }
        return render(self.request, self.template_name, context, status=400)

    def form_values(self):
        # A query typed into an empty search page is ranked unless the reader chose otherwise.
        values = super().form_values()
        values["relevance"] = True
        if not self.request.GET.get("sort"):
            values["sort"] = "relevance"
        return values

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parsed = self.params.query
        context["searchable"] = bool(parsed)
        if parsed:
            count, estimated = context["result_total"], context["result_estimated"]
            context["result_count"] = search.describe_count(count, estimated)
            context["ranked_only"] = search.CANDIDATES if estimated else None
            if not count:
                context["suggestions"] = self.suggestions(parsed)
        return context

    def suggestions(self, parsed):
        """Searches likelier to find something: each word alone, without quotes or filters."""
        suggestions = []
        params = self.request.GET.copy()
        params.pop("page", None)
        terms = list(parsed.words) + ["".join(word for word, _ in p) for p in parsed.phrases]
        if len(terms) > 1:
            for term in terms:
                params["q"] = term
                suggestions.append((f"只搜“{term}”", f"?{params.urlencode()}"))
        elif parsed.phrases:
            params["q"] = " ".join(word for phrase in parsed.phrases for word, _ in phrase)
            suggestions.append(("去掉引号，分词检索", f"?{params.urlencode()}"))
        if self.get_filters():
            params = QueryDict(mutable=True)
            params["q"] = parsed.text
            suggestions.append(("去掉筛选条件", f"?{params.urlencode()}"))
        return suggestions
