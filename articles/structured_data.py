"""What pages tell search engines and link previews about themselves: schema.org JSON-LD
(NewsArticle for a story; BreadcrumbList and ItemList for listings) and a story's summary for
Open Graph. Plain dicts here; the `json_ld` template filter writes them out, escaped."""

from django.conf import settings
from django.urls import reverse

from . import citations

DESCRIPTION_LENGTH = 120
ESTIMATED_DATE_NOTE = "（见报日期为编辑推定。）"


def summary(article):
    """The opening of the story, for <meta name="description"> and og:description."""
    text = citations.one_line(article.body.replace("### ", ""))
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def absolute(request, path):
    return request.build_absolute_uri(path)


def news_article(request, article):
    url = absolute(request, article.get_absolute_url())
    places = [
        {"@type": "Place", "name": region.name, "url": absolute(request, region.get_absolute_url())}
        for region in article.districts.all()
    ]
    description = summary(article)
    if article.date_is_estimated:
        description += ESTIMATED_DATE_NOTE
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": citations.one_line(article.headline),
        "datePublished": article.published_on.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": byline.reporter.name,
                "url": absolute(request, byline.reporter.get_absolute_url()),
                "jobTitle": byline.get_role_display(),
            }
            for byline in article.bylines.all()
        ],
        "contentLocation": places,
        "about": places,
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": "zh-CN",
        "publisher": {"@type": "Organization", "name": settings.ARCHIVE_PUBLICATION_NAME},
        "isAccessibleForFree": True,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "description": description,
    }
    alternative = " / ".join(
        citations.one_line(t) for t in (article.kicker, article.subheadline) if t
    )
    if alternative:
        data["alternativeHeadline"] = alternative
    page = citations.printed_page_number(article)
    if page is not None:
        data["printPage"] = str(page)
    return data


def breadcrumb_list(request, crumbs):
    """`crumbs`: (name, path) pairs from the home page down to the page itself."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(request, path)}
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def item_list(request, articles, first_position=1):
    """The stories a listing page shows, in order, by address."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "url": absolute(request, article.get_absolute_url()),
                "name": citations.one_line(article.headline),
            }
            for n, article in enumerate(articles, start=first_position)
        ],
    }


def listing(request, crumbs, articles=None, first_position=1):
    graph = [breadcrumb_list(request, [("首页", reverse("articles:home")), *crumbs])]
    if articles is not None:
        graph.append(item_list(request, articles, first_position))
    return graph


def website(request):
    """The site itself, with its search, for the home page."""
    search = absolute(request, reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": "湖州新闻档案",
        "url": absolute(request, reverse("articles:home")),
        "inLanguage": "zh-CN",
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }
