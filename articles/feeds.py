"""RSS 2.0 and Atom feeds: the latest stories, and those of a reporter's, district's or tag's
page (`<that page>feed/`, `<that page>feed/atom/`)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from taggit.models import Tag

from .models import Article, Region, Reporter

FEED_SIZE = 20
SITE_NAME = "湖州新闻档案"


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = f"{SITE_NAME} · 最新稿件"
    description = f"{SITE_NAME}最新收录的稿件。"
    language = settings.LANGUAGE_CODE

    def link(self, obj=None):
        return reverse("articles:home")

    def articles(self, obj):
        return Article.objects.all()

    def items(self, obj=None):
        return (
            self.articles(obj)
            .latest_first()
            .defer("search_vector")
            .prefetch_related("bylines__reporter")[:FEED_SIZE]
        )

    # Titles and descriptions are escaped here and again by the feed's XML writer, as Django's
    # own Feed.item_title does (ticket #6533): feed readers show both as HTML, so a headline
    # reading `<img onerror=…>` must reach them as text, not markup.
    def item_title(self, item):
        return escape(item.headline)

    def item_description(self, item):
        return escape(item.body.split("\n\n", 1)[0])

    def item_author_name(self, item):
        return "、".join(b.reporter.name for b in item.bylines.all()) or None

    def item_pubdate(self, item):
        # The paper's date, at midnight in Huzhou: the archive keeps no time of day.
        return datetime.datetime.combine(
            item.published_on, datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )

    def item_updateddate(self, item):
        return item.updated_at


class FilteredArticlesFeed(LatestArticlesFeed):
    """The feed of a reporter's, district's or tag's page."""

    model = None
    filter_name = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"{SITE_NAME} · {obj.name}"

    def description(self, obj):
        return f"{SITE_NAME}中「{obj.name}」的最新稿件。"

    def link(self, obj):
        return reverse(f"articles:{self.filter_name}-detail", args=[obj.slug])

    def articles(self, obj):
        return Article.objects.filter_by(**{self.filter_name: obj})


class ReporterFeed(FilteredArticlesFeed):
    model, filter_name = Reporter, "reporter"


class DistrictFeed(FilteredArticlesFeed):
    model, filter_name = Region, "district"


class TagFeed(FilteredArticlesFeed):
    model, filter_name = Tag, "tag"


class AtomMixin:
    """The same feed as Atom 1.0, whose <subtitle> is RSS's <description>."""

    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self._get_dynamic_attr("description", obj)


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    pass


class ReporterAtomFeed(AtomMixin, ReporterFeed):
    pass


class DistrictAtomFeed(AtomMixin, DistrictFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass
