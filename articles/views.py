from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from . import background, citations, search, structured_data
from .counting import (
    ArchivePaginator,
    directory_count,
    regions_with_counts,
    reporters_with_counts,
    tags_and_years,
    tags_with_counts,
)
from .editions import EditionsInPeriodMixin
from .facets import cached_facets
from .listing import InvalidParameter, ListingParams, mark_matches
from .models import Article, DictionaryEntry

RELATED_CACHE_SECONDS = 60 * 60


class Sidebar:
    """What the browsing sidebar lists. Methods, not values, so that a cached sidebar fragment
    runs no queries at all."""

    def regions(self):
        # The districts' directory's list: counted once, and then every district's listing
        # reads its count from it.
        return regions_with_counts()

    def tags(self):
        return tags_with_counts()[:20]

    def years(self):
        return tags_and_years()[1]  # read with the tags


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

    search_count = None  # a search.ResultCount while searching

    def url_without(self, name):
        """This listing without one parameter (and back on its first page)."""
        return self.params.url_without(name, path=self.request.path)

    def filtered_articles(self):
        """The filtered stories, in the order asked for (best match first when searching)."""
        if self.params.query:
            self.search_count = search.count(self.params.filtered_articles(), self.params.query)
        return self.params.articles(within=self.page_end())

    def page_end(self):
        """How many results the page asked for shows at most, counting from the first; None
        when the page is not a number (the paginator answers that)."""
        page = self.request.GET.get(self.page_kwarg, "1")
        if not (page.isascii() and page.isdigit() and 0 < len(page) < 6 and int(page)):
            return None
        return int(page) * self.paginate_by

    def get_paginator(self, queryset, *args, **kwargs):
        # A search is counted once, by search.count: the paginator takes the listed (ranked)
        # part of that number rather than counting the candidates again.
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if self.search_count is not None:
            paginator.count = min(self.search_count.number, search.CANDIDATES)
        self.facets = self.begin_facets(paginator)
        return paginator

    facets = None  # a Future of the listing's facets, from when its count is known

    def begin_facets(self, paginator):
        """The facets, begun in another thread as soon as the listing is counted, so that
        their SQL runs while this one reads and marks the page (background.py). None unless
        the page asked for is a number and there (anything else is a 404, or `last`, whose
        facets are counted in get_context_data)."""
        total, _ = self.result_count(paginator)
        page_end = self.page_end()
        if not self.shows_facets(total) or page_end is None:
            return None
        if page_end // self.paginate_by > max(paginator.num_pages, 1):
            return None
        return background.begin(cached_facets, self.params, total, self.request.path)

    def shows_facets(self, total):
        return bool(self.show_facets and self.params.narrowed and total)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except (search.InvalidQuery, InvalidParameter) as error:
            return self.invalid_query(error)
        finally:
            if self.facets is not None:
                self.facets.cancel()  # not begun yet and no longer wanted (a failed request)

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
            total, estimated = self.result_count(context["paginator"])
            context.update(result_total=total, result_estimated=estimated)
            if self.facets is not None:
                context["facets"] = self.facets.result()
            elif self.shows_facets(total):
                context["facets"] = cached_facets(params, total, self.request.path)
        return context

    def result_count(self, paginator):
        """How many stories match, and whether that is an estimate (see search.count)."""
        if self.search_count is not None:
            return self.search_count.number, self.search_count.estimated
        return paginator.count, False

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.website(self.request)
        return context


class ArticleListView(ArticleFilterMixin, ListView):
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    paginator_class = ArchivePaginator  # counts per counts generation, never the whole table
    context_object_name = "articles"
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return self.filtered_articles().for_listing()

    def get_paginator(self, queryset, *args, **kwargs):
        only = self.params.only_filter()
        if only:
            count = kwargs["known_count"] = directory_count(*only)
            kwargs["ids_from"] = self.params.articles_with_links_hashed(self.page_end(), count)
        return super().get_paginator(queryset, *args, **kwargs)


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
    template_name = "articles/reporter_list.html"

    def get_queryset(self):
        return reporters_with_counts()


class DistrictListView(DirectoryMixin, ListView):
    context_object_name = "regions"
    heading = "地区"
    template_name = "articles/district_list.html"

    def get_queryset(self):
        return regions_with_counts()


class TagListView(DirectoryMixin, ListView):
    context_object_name = "tags"
    heading = "标签"
    template_name = "articles/tag_list.html"

    def get_queryset(self):
        return tags_with_counts()


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.for_listing().select_related("page__edition")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["previous_on_page"], context["next_on_page"] = article.page_neighbours()
        context["related"] = self.related_stories(article)
        context["people"] = DictionaryEntry.objects.people().mentioned_in(article)
        context["structured_data"] = structured_data.news_article(self.request, article)
        context["summary"] = structured_data.summary(article)
        context["citation"] = citations.gbt7714(article)
        return context

    def related_stories(self, article):
        # Scoring costs tens of milliseconds at scale; a story's related list may lag new
        # stories by an hour, and a change to the story itself (updated_at) starts afresh.
        # The ids are cached, not the rows, so that a related story's headline is always
        # current; scoring reads the rows shown too, so a cold page asks once, not twice.
        key = f"related:{article.pk}:{article.updated_at.timestamp()}"
        ids = cache.get(key)
        if ids is None:
            related = list(Article.objects.related_to(article).only("headline", "published_on"))
            cache.set(key, [story.pk for story in related], RELATED_CACHE_SECONDS)
            return related
        stories = Article.objects.only("headline", "published_on").in_bulk(ids)
        return [stories[pk] for pk in ids if pk in stories]


class ArchiveMixin(BreadcrumbsMixin, SidebarMixin):
    """A period's stories. A period without any is a 404, told by the paginator's count (which
    the page shows anyway): Django's allow_empty=False would ask three more times (does any
    exist, and the stories just before and after the period, for links no template shows)."""

    date_field = "published_on"
    make_object_list = True
    allow_future = False
    allow_empty = True
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    paginator_class = ArchivePaginator
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.latest_first()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Left unevaluated (Django's own tests it for emptiness, a query): no template lists
        # the period's months or days.
        date_type = date_type or self.get_date_list_period()
        return queryset.dates(self.get_date_field(), date_type, ordering)

    def paginate_queryset(self, queryset, page_size):
        # Prefetch for the page shown only.
        paginator, page, articles, is_paginated = super().paginate_queryset(
            queryset.for_listing(), page_size
        )
        if not paginator.count:
            raise Http404("这一时期没有稿件。")
        return paginator, page, articles, is_paginated


class ArticleYearArchiveView(EditionsInPeriodMixin, ArchiveMixin, YearArchiveView):
    def get_breadcrumbs(self):
        return [(f"{self.get_year()}年", self.request.path)]


class ArticleMonthArchiveView(EditionsInPeriodMixin, ArchiveMixin, MonthArchiveView):
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


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form posted without its token, or from another site, or after the
    session behind it ended. Django's reason is for developers; the editor gets what to do."""
    message = "表单已过期或来源无法确认：请返回上一页，刷新后重新提交。"
    return render(request, "403.html", {"message": message}, status=403)


class SearchView(ArticleFilterMixin, ListView):
    """/search/?q=: results with highlights and facets. Parsing, querying and highlighting are
    the search module's, the parameters listing.ListingParams'; this adds the count, the help
    for an empty query and the suggestions for none found."""

    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/search.html"
    shown_instead = None  # the name searched for a pinyin query that found nothing itself

    def get_breadcrumbs(self):
        return [("检索", self.request.path)]

    def get_queryset(self):
        if not self.params.query:
            return Article.objects.none()
        articles = self.filtered_articles()
        if not self.search_count.number and self.pinyin_names:
            # caokailin finds nothing as typed: show 曹凯琳's stories, and say so.
            self.shown_instead = self.pinyin_names[0]
            self.params.query = search.parse_query(self.shown_instead)
            articles = self.filtered_articles()
        return articles.for_listing()

    @cached_property
    def pinyin_names(self):
        """Names whose pinyin the query is (caokailin → 曹凯琳), to offer them."""
        return search.pinyin_names(self.params.query.text)

    def search_url(self, query):
        params = self.request.GET.copy()
        params.pop("page", None)
        params["q"] = query  # in its place: the link reads like the search it replaces
        return f"?{params.urlencode()}"

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
        context["query"] = search.clean_input(self.request.GET.get("q", "").strip())  # as typed
        context["searchable"] = bool(parsed)
        context["shown_instead"] = self.shown_instead
        context["did_you_mean"] = [
            (name, self.search_url(name))
            for name in self.pinyin_names
            if name != self.shown_instead
        ]
        if parsed:
            count = self.search_count
            context["result_count"] = count
            context["ranked_only"] = search.CANDIDATES if count.number > search.CANDIDATES else None
            if not count.number:
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


class PersonView(SidebarMixin, ListView):
    """/people/<slug>/: a person of the editors' dictionary and the stories that name them
    (or one of their aliases), best match first, highlighted."""

    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"
    template_name = "articles/person_detail.html"

    @cached_property
    def person(self):
        return get_object_or_404(DictionaryEntry.objects.people(), slug=self.kwargs["slug"])

    @cached_property
    def parsed_query(self):
        return search.parse_query(self.person.name)

    def get_queryset(self):
        return Article.objects.search(self.parsed_query).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(person=self.person, **kwargs)
        for article in context["object_list"]:
            article.marks = mark_matches(article, self.parsed_query)
        context["query"] = self.person.name
        return context


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
