"""The printed paper, as readers of a 数字报 navigate it: a date, its pages, a page's stories.

/editions/                  the dates the archive holds, a year at a time (?year=), by month
/editions/<yyyy-mm-dd>/     that day's pages with their numbers, names and headlines
/editions/<yyyy-mm-dd>/<p>/ one page (p is its number, or "x" when the number is unknown)
"""

import datetime
from itertools import groupby

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from .models import UNKNOWN_PAGE_SLUG, Article, Byline, Edition, Page


class IsoDateConverter:
    """`2021-09-30` in a URL: a real date or no match (a 404), never a 500."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)  # ValueError: the URL does not match

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class PageSlugConverter:
    regex = rf"[1-9][0-9]{{0,2}}|{UNKNOWN_PAGE_SLUG}"

    def to_python(self, value):
        return None if value == UNKNOWN_PAGE_SLUG else int(value)

    def to_url(self, value):
        return str(value)


def neighbouring_editions(date):
    """The editions just before and after a date (or None)."""
    editions = Edition.objects.only("date")
    return (
        editions.filter(date__lt=date).order_by("-date").first(),
        editions.filter(date__gt=date).order_by("date").first(),
    )


class EditionIndexView(TemplateView):
    template_name = "articles/edition_index.html"

    def get_context_data(self, **kwargs):
        years = list(
            Edition.objects.dates("date", "year", order="DESC")
            .annotate(edition_count=Count("id"))
            .values_list("datefield", "edition_count")
        )
        year = self.selected_year([day.year for day, _ in years])
        editions = (
            Edition.objects.filter(date__year=year).with_page_counts().order_by("date")
            if year
            else Edition.objects.none()
        )
        months = [
            (datetime.date(year, month, 1), list(group))
            for month, group in groupby(editions, key=lambda e: e.date.month)
        ]
        return super().get_context_data(
            years=[(day.year, count) for day, count in years],
            year=year,
            months=months,
            **kwargs,
        )

    def selected_year(self, years):
        wanted = self.request.GET.get("year")
        if wanted is None:
            return years[0] if years else None
        if not wanted.isdigit() or int(wanted) not in years:
            raise Http404("这一年没有版面。")
        return int(wanted)


class EditionDetailView(DetailView):
    """One day's pages, each with its stories' headlines in printed order."""

    template_name = "articles/edition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        return get_object_or_404(Edition, date=self.kwargs["date"])

    def get_context_data(self, **kwargs):
        stories = Article.objects.only("kicker", "headline", "page_id", "position")
        pages = self.object.pages.in_print_order().prefetch_related(
            Prefetch("articles", queryset=stories.in_print_order())
        )
        previous, following = neighbouring_editions(self.object.date)
        return super().get_context_data(
            pages=pages, previous_edition=previous, next_edition=following, **kwargs
        )


class PageDetailView(DetailView):
    """One printed page: its stories in printed order, its neighbours on the day and in time."""

    template_name = "articles/page_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        pages = Page.objects.select_related("edition").filter(edition__date=self.kwargs["date"])
        return get_object_or_404(pages, number=self.kwargs["page"])

    def get_context_data(self, **kwargs):
        page = self.object
        stories = (
            page.articles.in_print_order()
            .defer("search_vector")
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=Byline.objects.select_related("reporter").order_by("order", "id"),
                )
            )
        )
        siblings = list(page.edition.pages.in_print_order().only("number", "name", "edition_id"))
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == page.pk)
        for sibling in siblings:
            sibling.edition = page.edition  # for get_absolute_url, without a query each
        previous, following = neighbouring_editions(page.edition.date)
        return super().get_context_data(
            edition=page.edition,
            stories=stories,
            pages=siblings,
            previous_page=siblings[index - 1] if index > 0 else None,
            next_page=siblings[index + 1] if index + 1 < len(siblings) else None,
            previous_edition=previous,
            next_edition=following,
            **kwargs,
        )


class EditionsInPeriodMixin:
    """For the date archives (/archive/<yyyy>/[<mm>/]): the editions printed in the period."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "month" in context:
            start = context["month"]
            editions = Edition.objects.filter(date__year=start.year, date__month=start.month)
        else:
            editions = Edition.objects.filter(date__year=context["year"].year)
        context["period_editions"] = editions.with_page_counts().order_by("date")
        return context
