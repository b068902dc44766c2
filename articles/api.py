"""A small read-only JSON API: `/api/articles/` (the listing's parameters: filters, `q`,
`from`, `to`, `sort`, `page`) and `/api/articles/<id>/`. Errors come back as JSON too."""

from django.http import Http404, JsonResponse
from django.views.generic import DetailView

from .models import Article
from .views import ArticleListView


def byline_data(byline):
    return {
        "role": byline.role_label,
        "name": byline.reporter.name,
        "url": byline.reporter.get_absolute_url(),
    }


def article_summary(request, article):
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "published_on": article.published_on.isoformat(),
        "date_is_estimated": article.date_is_estimated,
        "bylines": [byline_data(b) for b in article.bylines.all()],
        "districts": [{"name": r.name, "slug": r.slug} for r in article.districts.all()],
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags.all()],
    }


def printed_page_data(request, page):
    """Where the story was printed: {"date", "number" (null: 版次未详), "name", "url"}."""
    if page is None:
        return None
    return {
        "date": page.edition.date.isoformat(),
        "number": page.number,
        "name": page.name,
        "url": request.build_absolute_uri(page.get_absolute_url()),
    }


def json_error(status, message):
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


class JSONErrorsMixin:
    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return json_error(404, "没有找到。")

    def invalid_query(self, error):
        return json_error(400, str(error))


def add_marks(data, marks):
    """The `*_html` fields of a search result: escaped text with <mark> around the matches."""
    data.update(
        kicker_html=str(marks.kicker),
        headline_html=str(marks.headline),
        subheadline_html=str(marks.subheadline),
        snippet_html=str(marks.snippet),
    )
    for byline, (_, name_html, _) in zip(data["bylines"], marks.bylines, strict=True):
        byline["name_html"] = str(name_html)
    for tag, (name_html, _) in zip(data["tags"], marks.tags, strict=True):
        tag["name_html"] = str(name_html)


class ArticleListAPIView(JSONErrorsMixin, ArticleListView):
    """The listing's parameters (listing.ListingParams), as JSON, without facets."""

    show_facets = False

    def render_to_response(self, context, **response_kwargs):
        page = context["page_obj"]
        results = []
        for article in context["object_list"]:
            data = article_summary(self.request, article)
            if self.params.query:
                add_marks(data, article.marks)
            results.append(data)
        return JsonResponse(
            {
                "count": page.paginator.count,
                "page": page.number,
                "num_pages": page.paginator.num_pages,
                "next": self.page_url(page.next_page_number()) if page.has_next() else None,
                "previous": (
                    self.page_url(page.previous_page_number()) if page.has_previous() else None
                ),
                "results": results,
            },
            json_dumps_params={"ensure_ascii": False},
        )

    def page_url(self, number):
        query = self.request.GET.copy()
        query["page"] = number
        return self.request.build_absolute_uri(f"?{query.urlencode()}")


class ArticleDetailAPIView(JSONErrorsMixin, DetailView):
    def get_queryset(self):
        return Article.objects.for_listing().select_related("page__edition")

    def render_to_response(self, context, **response_kwargs):
        article = self.object
        data = article_summary(self.request, article)
        data.update(
            dateline=article.dateline,
            body=article.body,
            editorial_note=article.editorial_note,
            source={
                "page": article.page.source if article.page else "",
                "position": article.position,
            },
            printed_page=printed_page_data(self.request, article.page),
        )
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
