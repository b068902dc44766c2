"""The editors' desk for editions and pages (imported by articles/admin.py).

A page's number or an edition's date changed here is carried to its stories by
Page.save() and Edition.save(): listings sort and filter on the stories' own copies.
"""

import datetime

from django.contrib import admin
from django.db.models import Count, F

from .models import Edition, Page


class PageInline(admin.TabularInline):
    model = Page
    fields = ["number", "name", "source"]
    extra = 0
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date_is_estimated", "page_count"]
    list_filter = ["date_is_estimated"]
    date_hierarchy = "date"
    inlines = [PageInline]
    search_fields = ["date"]
    # Explicit: a query with an aggregate (the counts) ignores Meta.ordering.
    ordering = ["-date"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(page_count=Count("pages"))

    @admin.display(description="版面数", ordering="page_count")
    def page_count(self, obj):
        return obj.page_count


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "name", "source", "story_count"]
    list_select_related = ["edition"]
    search_fields = ["name", "source"]
    search_help_text = "版名或来源文件名；也可输入日期，如 2021-09-30。"
    autocomplete_fields = ["edition"]
    ordering = ["-edition__date", F("number").asc(nulls_last=True), "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    def get_search_results(self, request, queryset, search_term):
        try:
            day = datetime.date.fromisoformat(search_term.strip())
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(edition__date=day), False

    @admin.display(description="稿件数", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count
