from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("reporters/<slug:slug>/", views.ArticleListView.as_view(), name="reporter-detail"),
    path("districts/<slug:slug>/", views.ArticleListView.as_view(), name="district-detail"),
    path("tags/<str:slug>/", views.ArticleListView.as_view(), name="tag-detail"),
    path("healthz", views.healthz, name="healthz"),
]
