"""The read-only JSON API, `/api/`, with django-ninja: the OpenAPI 3 document
(`/api/openapi.json`) and the interactive docs (`/api/docs/`) are generated from the schemas
and signatures below, so they cannot drift from the code.

The parameters are read by listing.ListingParams, the same code the HTML listings use; those
declared in ArticleQuery are for validation and the documentation only."""

import datetime
from typing import Literal

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils.http import http_date
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from . import citations, search
from .api_caching import api_cache_headers, docs_page_csp
from .counting import ArchivePaginator
from .listing import InvalidParameter, ListingParams, mark_matches
from .models import Article, Region, Reporter

PAGE_SIZE = 20


class UnicodeJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="湖州新闻档案 API",
    version="1",
    description=(
        "只读的湖州新闻档案数据接口：稿件（可按记者、地区、标签筛选并全文检索）、记者、地区和标签。"
        "任何来源均可跨域读取（CORS）；响应带 ETag 与 Cache-Control，可条件请求。"
    ),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    docs_decorator=docs_page_csp,
    renderer=UnicodeJSONRenderer(),
)


# --- Schemas ----------------------------------------------------------------------------------


class Error(Schema):
    error: str = Field(description="给人看的错误说明")


class BylineOut(Schema):
    role: str = Field(description="署名身份，如“本报记者”“通讯员”“新华社记者”")
    name: str
    slug: str
    url: str = Field(description="记者页面")
    name_html: str | None = Field(None, description="检索时：姓名，已转义，命中词包在 <mark> 中")


class PlaceOut(Schema):
    name: str
    slug: str
    url: str
    name_html: str | None = Field(None, description="检索时：名称，已转义，命中词包在 <mark> 中")


class ArticleSummary(Schema):
    id: int
    url: str = Field(description="稿件页面")
    api_url: str
    kicker: str = Field(description="引题")
    headline: str = Field(description="主题")
    subheadline: str = Field(description="副题")
    published_on: datetime.date = Field(description="见报日期")
    date_is_estimated: bool = Field(description="见报日期是否为编辑推定")
    bylines: list[BylineOut]
    districts: list[PlaceOut]
    tags: list[PlaceOut]
    kicker_html: str | None = Field(
        None, description="检索时：引题，已转义的 HTML，命中词包在 <mark> 中"
    )
    headline_html: str | None = Field(None, description="检索时：主题，同上")
    subheadline_html: str | None = Field(None, description="检索时：副题，同上")
    snippet_html: str | None = Field(
        None, description="检索时：正文摘录，已转义的 HTML，命中词包在 <mark> 中"
    )


class SourceOut(Schema):
    page: str = Field(description="导入时的版面文件名")
    position: int | None = Field(description="在版面上的顺序，从 1 起")


class PrintedPageOut(Schema):
    date: datetime.date = Field(description="见报日期")
    number: int | None = Field(description="版次；null 表示版次未详")
    name: str = Field(description="版名")
    url: str = Field(description="版面页面")


class CitationOut(Schema):
    gbt7714: str = Field(description="GB/T 7714-2015 格式的引文")
    ris_url: str
    bibtex_url: str


class ArticleDetail(ArticleSummary):
    dateline: str = Field(description="电头，如“本报讯”")
    body: str = Field(description="正文：段落之间空一行，小标题以“### ”开头")
    editorial_note: str
    source: SourceOut
    printed_page: PrintedPageOut | None = Field(description="见报版面；不知道时为 null")
    citation: CitationOut


class ArticlePage(Schema):
    count: int = Field(description="符合条件的稿件数；count_is_estimate 为 true 时是估计值")
    count_is_estimate: bool = Field(
        description="检索命中很多时只对最新的一批排序，此时 count 为数据库的估计"
    )
    page: int
    num_pages: int
    next: str | None
    previous: str | None
    results: list[ArticleSummary]


class ArticleQuery(Schema):
    reporter: str | None = Field(None, description="记者的网址名（slug），如 xu-dongmei")
    district: str | None = Field(None, description="地区的网址名；湖州市包括其下各区县")
    tag: str | None = Field(None, description="标签的网址名")
    q: str | None = Field(None, description="全文检索；多个词须都出现，引号内为短语")
    from_: str | None = Field(
        None, alias="from", description="起始日期（含）：YYYY、YYYY-MM 或 YYYY-MM-DD"
    )
    to: str | None = Field(None, description="截止日期（含）：YYYY、YYYY-MM 或 YYYY-MM-DD")
    sort: Literal["relevance", "newest", "oldest"] | None = Field(
        None, description="排序：relevance（相关度，有 q 时的默认）、newest（默认）、oldest"
    )
    page: int = Field(1, ge=1, description="页码，从 1 开始")


class FacetOut(Schema):
    name: str
    slug: str
    story_count: int = Field(description="稿件数")
    url: str = Field(description="网站上的页面")
    articles_url: str = Field(description="本接口中该筛选条件下的稿件列表")
    feed_url: str = Field(description="RSS 订阅")


class FacetList(Schema):
    count: int
    results: list[FacetOut]


# --- Errors: JSON with a message, 400 for what cannot be understood -------------------------


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"error": "没有找到。"}, status=404)


@api.exception_handler(search.InvalidQuery)
@api.exception_handler(InvalidParameter)
def invalid_query(request, exc):
    return api.create_response(request, {"error": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    fields = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    message = f"无法理解的参数：{'、'.join(fields)}。" if fields else "无法理解的请求。"
    return api.create_response(request, {"error": message}, status=400)


# --- Representations ----------------------------------------------------------------------------


def absolute(request, path):
    return request.build_absolute_uri(path)


def article_summary(request, article):
    return {
        "id": article.pk,
        "url": absolute(request, article.get_absolute_url()),
        "api_url": absolute(request, reverse("api:article-detail", args=[article.pk])),
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "published_on": article.published_on,
        "date_is_estimated": article.date_is_estimated,
        "bylines": [
            {
                "role": b.role_label,
                "name": b.reporter.name,
                "slug": b.reporter.slug,
                "url": absolute(request, b.reporter.get_absolute_url()),
            }
            for b in article.bylines.all()
        ],
        "districts": [place(request, r, "district") for r in article.districts.all()],
        "tags": [place(request, t, "tag") for t in article.tags.all()],
    }


def place(request, obj, kind):
    return {
        "name": obj.name,
        "slug": obj.slug,
        "url": absolute(request, reverse(f"articles:{kind}-detail", args=[obj.slug])),
    }


def facet(request, obj, kind, story_count):
    page = reverse(f"articles:{kind}-detail", args=[obj.slug])
    return {
        "name": obj.name,
        "slug": obj.slug,
        "story_count": story_count,
        "url": absolute(request, page),
        "articles_url": absolute(request, f"{reverse('api:article-list')}?{kind}={obj.slug}"),
        "feed_url": absolute(request, reverse(f"articles:{kind}-feed", args=[obj.slug])),
    }


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


def printed_page_data(request, page):
    """Where the story was printed: {"date", "number" (null: 版次未详), "name", "url"}."""
    if page is None:
        return None
    return {
        "date": page.edition.date,
        "number": page.number,
        "name": page.name,
        "url": absolute(request, page.get_absolute_url()),
    }


def page_url(request, number):
    params = request.GET.copy()
    params["page"] = number
    return request.build_absolute_uri(f"?{params.urlencode()}")


# --- Endpoints ------------------------------------------------------------------------------------


@api.get(
    "/articles/",
    response={200: ArticlePage, 400: Error, 404: Error},
    url_name="article-list",
    summary="稿件列表",
    description="最新在前；检索（q）时按相关度排序。筛选条件可以组合。",
)
@decorate_view(api_cache_headers)
def list_articles(request, params: Query[ArticleQuery]):
    listing = ListingParams.from_request(request)
    within = params.page * PAGE_SIZE  # the page's end: a search can spare looking further
    paginator = ArchivePaginator(listing.articles(within=within).for_listing(), PAGE_SIZE)
    if listing.only_filter():
        paginator.ids_from = listing.articles_with_links_hashed(within, paginator.count)
    found = search.count(listing.filtered_articles(), listing.query) if listing.query else None
    if found is not None:
        # Counted once: the paginator pages through the ranked part of that number.
        paginator.count = min(found.number, search.CANDIDATES)
    try:
        page = paginator.page(params.page)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404 from error
    results = []
    for article in page.object_list:
        data = article_summary(request, article)
        if listing.query:
            add_marks(data, mark_matches(article, listing.query))
        results.append(data)
    return {
        "count": found.number if found else paginator.count,
        "count_is_estimate": bool(found and found.estimated),
        "page": page.number,
        "num_pages": paginator.num_pages,
        "next": page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": (
            page_url(request, page.previous_page_number()) if page.has_previous() else None
        ),
        "results": results,
    }


@api.get(
    "/articles/{article_id}/",
    response={200: ArticleDetail, 404: Error},
    url_name="article-detail",
    summary="一篇稿件的全文",
)
@decorate_view(api_cache_headers)
def get_article(request, article_id: int, response: HttpResponse):
    article = get_object_or_404(
        Article.objects.for_listing().select_related("page__edition"), pk=article_id
    )
    response["Last-Modified"] = http_date(article.updated_at.timestamp())
    data = article_summary(request, article)
    data.update(
        dateline=article.dateline,
        body=article.body,
        editorial_note=article.editorial_note,
        source={"page": article.page.source if article.page else "", "position": article.position},
        printed_page=printed_page_data(request, article.page),
        citation={
            "gbt7714": citations.gbt7714(article),
            "ris_url": absolute(request, reverse("articles:article-ris", args=[article.pk])),
            "bibtex_url": absolute(request, reverse("articles:article-bibtex", args=[article.pk])),
        },
    )
    return data


@api.get("/reporters/", response=FacetList, url_name="reporter-list", summary="记者及其稿件数")
@decorate_view(api_cache_headers)
def list_reporters(request):
    reporters = Reporter.objects.with_story_counts().filter(story_count__gt=0).order_by("slug")
    results = [facet(request, r, "reporter", r.story_count) for r in reporters]
    return {"count": len(results), "results": results}


@api.get(
    "/districts/",
    response=FacetList,
    url_name="district-list",
    summary="地区及其稿件数",
    description="湖州市的稿件数包括其下各区县的稿件。",
)
@decorate_view(api_cache_headers)
def list_districts(request):
    regions = Region.objects.with_story_counts()
    results = [facet(request, r, "district", r.story_count) for r in regions]
    return {"count": len(results), "results": results}


@api.get("/tags/", response=FacetList, url_name="tag-list", summary="标签及其稿件数")
@decorate_view(api_cache_headers)
def list_tags(request):
    tags = Article.tags.most_common(min_count=1).order_by("-num_times", "name")
    results = [facet(request, t, "tag", t.num_times) for t in tags if t.slug]
    return {"count": len(results), "results": results}


def unknown_endpoint(request, path=""):
    """Anything else under /api/: a JSON 404 rather than the site's HTML page (after the
    redirect APPEND_SLASH would have made, which this catch-all would otherwise swallow)."""
    if not request.path.endswith("/"):
        try:
            resolved = resolve(request.path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.func is not unknown_endpoint:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return api.create_response(request, {"error": "没有这个接口。"}, status=404)
