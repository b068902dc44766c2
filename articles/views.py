from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView
from taggit.models import Tag

from .models import Article, Region, Reporter


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
    """Listing filters from the query string (`reporter`, `district`, `tag`, by slug), plus an
    optional one fixed by the URL (`/reporters/<slug>/`). Unknown slugs are a 404."""

    url_filter = None  # "reporter", "district" or "tag" when the URL names one
    filter_models = {"reporter": Reporter, "district": Region, "tag": Tag}
    filter_labels = {"reporter": "记者", "district": "地区", "tag": "标签"}

    def get_filters(self):
        if not hasattr(self, "_filters"):
            self._filters = {}
            for name, model in self.filter_models.items():
                slug = self.kwargs["slug"] if name == self.url_filter else self.request.GET.get(name)
                if slug:
                    self._filters[name] = get_object_or_404(model, slug=slug)
        return self._filters

    def filtered_articles(self):
        return Article.objects.filter_by(**self.get_filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.get_filters()
        context["filters"] = filters
        context["active_filters"] = [
            {"name": name, "label": self.filter_labels[name], "object": obj}
            for name, obj in filters.items()
            if name != self.url_filter
        ]
        return context


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
        return self.filtered_articles().latest_first().for_listing()


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
        context["related"] = Article.objects.related_to(article).for_listing()
        return context


class ArchiveMixin(SidebarMixin):
    date_field = "published_on"
    make_object_list = True
    allow_future = False
    paginate_by = settings.ARCHIVE_PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.latest_first().for_listing()


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    pass


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    month_format = "%m"


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)

