from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import UNKNOWN_PAGE_SLUG, Article, Page, Region, Reporter


class ArticleSitemap(Sitemap):
    changefreq = "yearly"
    limit = 10_000  # per sitemap file; /sitemap.xml is an index of them

    def items(self):
        return Article.objects.order_by("id").only("id", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class BrowsingSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [
            *[
                reverse(name)
                for name in (
                    "articles:home",
                    "articles:article-list",
                    "articles:reporter-list",
                    "articles:district-list",
                    "articles:tag-list",
                )
            ],
            *(
                r.get_absolute_url()
                for r in Reporter.objects.filter(bylines__isnull=False).distinct()
            ),
            *(r.get_absolute_url() for r in Region.objects.all()),
            *(reverse("articles:tag-detail", args=[t.slug]) for t in Article.tags.most_common()),
        ]

    def location(self, url):
        return url


sitemaps = {"articles": ArticleSitemap, "browse": BrowsingSitemap}


class EditionSitemap(Sitemap):
    """Every edition and every page of it. Items are (date, page slug or None) pairs, not
    model instances: there are tens of thousands of pages, and the index builds them all."""

    changefreq = "yearly"
    limit = 10_000

    def items(self):
        items, last_date = [], None
        pages = Page.objects.order_by("edition__date", "number", "id")
        for day, number in pages.values_list("edition__date", "number"):
            if day != last_date:
                items.append((day, None))
                last_date = day
            items.append((day, number or UNKNOWN_PAGE_SLUG))
        return items

    def location(self, item):
        day, page = item
        if page is None:
            return reverse("articles:edition-detail", args=[day])
        return reverse("articles:page-detail", args=[day, page])


sitemaps["editions"] = EditionSitemap
