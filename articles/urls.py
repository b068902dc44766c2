from django.urls import path, register_converter

from . import editions, feeds, outage, views
from .sitemap_views import sitemap_index, sitemap_section

app_name = "articles"

register_converter(editions.IsoDateConverter, "isodate")
register_converter(editions.PageSlugConverter, "pageslug")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("articles/<int:pk>/cite.ris", views.citation_ris, name="article-ris"),
    path("articles/<int:pk>/cite.bib", views.citation_bibtex, name="article-bibtex"),
    path("reporters/", views.ReporterListView.as_view(), name="reporter-list"),
    path("reporters/<slug:slug>/", views.ReporterArticleListView.as_view(), name="reporter-detail"),
    path("reporters/<slug:slug>/feed/", feeds.ReporterFeed(), name="reporter-feed"),
    path("reporters/<slug:slug>/feed/atom/", feeds.ReporterAtomFeed(), name="reporter-atom"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("districts/<slug:slug>/", views.DistrictArticleListView.as_view(), name="district-detail"),
    path("districts/<slug:slug>/feed/", feeds.DistrictFeed(), name="district-feed"),
    path("districts/<slug:slug>/feed/atom/", feeds.DistrictAtomFeed(), name="district-atom"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag-detail"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("people/<slug:slug>/", views.PersonView.as_view(), name="person-detail"),
    path("archive/<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path(
        "archive/<int:year>/<int:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    path("editions/", editions.EditionIndexView.as_view(), name="edition-index"),
    path("editions/<isodate:date>/", editions.EditionDetailView.as_view(), name="edition-detail"),
    path(
        "editions/<isodate:date>/<pageslug:page>/",
        editions.PageDetailView.as_view(),
        name="page-detail",
    ),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="latest-feed"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="latest-atom"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", outage.healthz, name="healthz"),
]
