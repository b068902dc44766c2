from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from . import citations, search, structured_data
from .filters import FILTER_LABELS, ListingFilters
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


class BreadcrumbsMixin:
    """Listing pages describe their place in the site to search engines (schema.org
    BreadcrumbList), and the stories they show (ItemList)."""

    def get_breadcrumbs(self):
        """(name, path) pairs below the home page, down to this page."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = context.get("articles") if self.lists_articles else None
        page = context.get("page_obj")
        first = page.start_index() if page else 1
        context["structured_data"] = structured_data.listing(
            self.request, self.get_breadcrumbs(), articles, first
        )
        return context

    lists_articles = True


class ArticleFilterMixin(BreadcrumbsMixin, SidebarMixin):
    """Listing filters from the query string (`reporter`, `district`, `tag`, by slug; `q`, a
    search), plus an optional one fixed by the URL (`/reporters/<slug>/`). Unknown slugs are a
    404; a search the search module refuses is a 400."""

    url_filter = None  # "reporter", "district" or "tag" when the URL names one
    filter_labels = FILTER_LABELS

    @property
    def listing_filters(self):
        if not hasattr(self, "_listing_filters"):
            fixed = (self.url_filter, self.kwargs["slug"]) if self.url_filter else None
            self._listing_filters = ListingFilters.from_params(self.request.GET, fixed)
        return self._listing_filters

    def get_filters(self):
        return self.listing_filters.objects

    @property
    def query(self):
        return self.listing_filters.query

    section_urls = {
        "reporter": ("记者", "articles:reporter-list"),
        "district": ("地区", "articles:district-list"),
        "tag": ("标签", "articles:tag-list"),
    }

    def get_breadcrumbs(self):
        if not self.url_filter:
            return [("全部稿件", reverse("articles:article-list"))]
        label, url_name = self.section_urls[self.url_filter]
        obj = self.get_filters()[self.url_filter]
        return [(label, reverse(url_name)), (obj.name, self.request.path)]

    def url_without(self, name):
        """This listing without one filter (and back on its first page)."""
        params = self.request.GET.copy()
        params.pop(name, None)
        params.pop("page", None)
        return f"?{params.urlencode()}" if params else self.request.path

    def filtered_articles(self):
        return self.listing_filters.articles()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except search.InvalidQuery as error:
            return self.invalid_query(error)

    def invalid_query(self, error):
        return render(self.request, "400.html", {"message": str(error)}, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.get_filters()
        context["filters"] = filters
        context["active_filters"] = [
            {
                "name": name,
                "label": self.filter_labels[name],
                "object": obj,
                "remove_url": self.url_without(name),
            }
            for name, obj in filters.items()
            if name != self.url_filter
        ]
        context["query"] = self.query
        if self.query:
            for article in context["object_list"]:
                article.search_snippet = search.snippet(article.body, self.query)
        return context


class HomeView(SidebarMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.latest_first().for_listing()[: settings.ARCHIVE_PAGE_SIZE]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.website(self.request)
        return context


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


class DirectoryMixin(BreadcrumbsMixin):
    lists_articles = False
    heading = None

    def get_breadcrumbs(self):
        return [(self.heading, self.request.path)]


class ReporterListView(DirectoryMixin, ListView):
    context_object_name = "reporters"
    heading = "记者"

    def get_queryset(self):
        return Reporter.objects.with_story_counts().filter(story_count__gt=0).order_by("slug")


class DistrictListView(DirectoryMixin, ListView):
    context_object_name = "regions"
    heading = "地区"
    template_name = "articles/district_list.html"

    def get_queryset(self):
        return Region.objects.select_related("parent").with_story_counts()


class TagListView(DirectoryMixin, ListView):
    context_object_name = "tags"
    heading = "标签"
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
        context["structured_data"] = structured_data.news_article(self.request, article)
        context["summary"] = structured_data.summary(article)
        context["citation"] = citations.gbt7714(article)
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


class ArchiveMixin(BreadcrumbsMixin, SidebarMixin):
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
    def get_breadcrumbs(self):
        return [(f"{self.get_year()}年", self.request.path)]


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"

    def get_breadcrumbs(self):
        year = self.get_year()
        return [
            (f"{year}年", reverse("articles:archive-year", args=[year])),
            (f"{year}年{int(self.get_month())}月", self.request.path),
        ]


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
    """/search/?q=: ranked results with highlighted snippets. Parsing, querying and highlighting
    are search.py's; this adds the count, the help for an empty query and the suggestions for
    none found."""

    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"

    def get_breadcrumbs(self):
        return [("检索", self.request.path)]

    @property
    def parsed_query(self):
        return search.parse_query(self.request.GET.get("q", ""))  # may raise InvalidQuery

    def get_queryset(self):
        if not self.parsed_query:
            return Article.objects.none()
        return self.filtered_articles().for_listing()

    def invalid_query(self, error):
        # The search page itself, so that the reader can correct the query in place.
        self.object_list = Article.objects.none()
        context = self.get_context_data(error=str(error))
        context["query"] = search.clean_input(self.query[: search.MAX_QUERY_LENGTH])
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "error" in kwargs:
            return context
        parsed = self.parsed_query
        context["query"] = parsed.text
        context["searchable"] = bool(parsed)
        if parsed:
            count, estimated = self.listing_filters.count(context["paginator"].count)
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


def citation_download(article, text, extension, content_type):
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    filename = f"{citations.file_stem(article)}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def citation_ris(request, pk):
    article = get_object_or_404(Article.objects.for_listing(), pk=pk)
    url = request.build_absolute_uri(article.get_absolute_url())
    text = citations.ris(article, url)
    return citation_download(article, text, "ris", "application/x-research-info-systems")


def citation_bibtex(request, pk):
    article = get_object_or_404(Article.objects.for_listing(), pk=pk)
    url = request.build_absolute_uri(article.get_absolute_url())
    return citation_download(article, citations.bibtex(article, url), "bib", "application/x-bibtex")


def opensearch(request):
    """The OpenSearch description that lets a browser add the archive's search."""
    return render(
        request,
        "opensearch.xml",
        {"search_url": request.build_absolute_uri(reverse("articles:search"))},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
