from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("reporters/", views.ReporterListView.as_view(), name="reporter-list"),
    path("reporters/<slug:slug>/", views.ReporterArticleListView.as_view(), name="reporter-detail"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("districts/<slug:slug>/", views.DistrictArticleListView.as_view(), name="district-detail"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag-detail"),
    path("archive/<int:year>/", views.ArticleYearArchiveView.as_view(), name="archive-year"),
    path(
        "archive/<int:year>/<int:month>/",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    path("healthz", views.healthz, name="healthz"),
]
