from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Page, Region, Reporter


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
    """Every edition and every page of it."""

    changefreq = "yearly"
    limit = 10_000

    def items(self):
        pages = Page.objects.select_related("edition").order_by("edition__date", "number", "id")
        items, last_edition = [], None
        for page in pages.only("number", "edition__date"):
            if page.edition_id != last_edition:
                items.append(page.edition)
                last_edition = page.edition_id
            items.append(page)
        return items


sitemaps["editions"] = EditionSitemap
