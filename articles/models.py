import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from .slugs import pinyin_slug

RELATED_WINDOW_DAYS = 90


class RegionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_story_counts(self):
        """Each region with `story_count`: its own stories, and for 湖州市 its districts' too."""
        counts = dict(
            Article.districts.through.objects.values_list("region_id")
            .annotate(n=Count("article_id", distinct=True))
            .order_by()
        )
        regions = list(self)
        for region in regions:
            region.story_count = counts.get(region.id, 0)
        for region in regions:
            if region.parent_id is None:
                # A story may name the city and one of its districts: count it once.
                region.story_count = (
                    Article.districts.through.objects.filter(region__in=region.family())
                    .values("article_id")
                    .distinct()
                    .count()
                )
        return regions


class Region(models.Model):
    """A regional body: the city of Huzhou and the districts, counties and zones under it."""

    class Kind(models.TextChoices):
        CITY = "city", "地级市"
        DISTRICT = "district", "市辖区"
        COUNTY = "county", "县"
        FUNCTIONAL_AREA = "functional_area", "功能区"

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField("排序", default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:district-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def family(self):
        """This region and the regions under it: 湖州市's page lists its districts' stories."""
        return [self, *self.children.all()]


class ReporterQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def with_story_counts(self):
        return self.annotate(story_count=Count("bylines__article", distinct=True))


class Reporter(models.Model):
    name = models.CharField("姓名", max_length=50)
    slug = models.SlugField("网址名", max_length=60, unique=True)
    is_generated = models.BooleanField("生成的测试记者", default=False, editable=False)

    objects = ReporterQuerySet.as_manager()

    class Meta:
        verbose_name = "记者"
        verbose_name_plural = "记者"
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Reporter, pinyin_slug(self.name))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:reporter-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


def unique_slug(model, base):
    """`base`, or `base-2`, `base-3`… whichever is free: two reporters may share a name."""
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class ArticleQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-published_on", "-id")

    def for_listing(self):
        """Everything a story card shows, in a fixed number of queries."""
        return self.defer("search_vector").prefetch_related(
            # An explicit order: Byline's default ordering starts with "article", which would
            # join and sort every story in the archive just to order a page's bylines.
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("reporter").order_by("order", "id"),
            ),
            "districts",
            "tags",
        )

    def filter_by(self, *, reporter=None, district=None, tag=None):
        """The listing filters; they combine. Each takes a Reporter, a Region or a taggit Tag.

        A region stands for itself and the regions under it. Subqueries rather than joins, so
        that a story matches once however many of its bylines or districts match, without a
        DISTINCT over the whole listing.
        """
        qs = self
        if reporter is not None:
            qs = qs.filter(pk__in=Byline.objects.filter(reporter=reporter).values("article_id"))
        if district is not None:
            through = Article.districts.through.objects
            qs = qs.filter(pk__in=through.filter(region__in=district.family()).values("article_id"))
        if tag is not None:
            # The content type by id, not by joining django_content_type on its names: with
            # the join, PostgreSQL misjudges how many stories a tag has and picks slow plans.
            content_type = ContentType.objects.get_for_model(Article)
            qs = qs.filter(
                pk__in=TaggedItem.objects.filter(content_type=content_type, tag=tag).values(
                    "object_id"
                )
            )
        return qs

    def related_to(self, article, limit=5, within_days=RELATED_WINDOW_DAYS):
        """Stories from around the same time sharing the most tags and districts with
        `article`, newest first on ties. Near in time because that is what related coverage
        in a newspaper is, and because scoring every story that shares a common tag costs
        most of a second at 100,000 stories."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        region_ids = [region.pk for region in article.districts.all()]
        window = datetime.timedelta(days=within_days)
        return (
            self.exclude(pk=article.pk)
            .filter(published_on__gte=article.published_on - window)
            .filter(published_on__lte=article.published_on + window)
            .filter(Q(tags__in=tag_ids) | Q(districts__in=region_ids))
            .annotate(
                shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
                + Count("districts", filter=Q(districts__in=region_ids), distinct=True)
            )
            .order_by("-shared", "-published_on", "-id")[:limit]
        )

    def generated(self):
        return self.filter(is_generated=True)

    def search(self, query):
        """Stories matching a reader's query, best first; see articles/search.py.

        Several words must all appear; words in quotes form a phrase. Raises
        search.InvalidQuery (a ValueError) for a query it refuses. Filter before searching:
        only the newest matches are ranked, and filters applied first narrow those.
        """
        from . import search

        return search.search(self, query)


class Article(models.Model):
    kicker = models.CharField("引题", max_length=200, blank=True)
    headline = models.TextField("主题")
    subheadline = models.CharField("副题", max_length=200, blank=True)
    dateline = models.CharField(
        "电头", max_length=50, blank=True, help_text="如“本报讯”，显示在正文开头。"
    )
    body = models.TextField("正文", help_text="段落之间空一行；小标题以“### ”开头。不存 HTML。")
    published_on = models.DateField("见报日期", db_index=True)
    date_is_estimated = models.BooleanField(
        "日期为推定", default=False, help_text="版面未印日期、由编辑根据内容推定时勾选。"
    )
    editorial_note = models.TextField("编辑说明", blank=True)
    source_page = models.CharField(
        "来源版面", max_length=100, blank=True, help_text="导入时的版面文件名。"
    )
    source_position = models.PositiveSmallIntegerField("版面位置", null=True, blank=True)
    districts = models.ManyToManyField(
        Region, verbose_name="地区", related_name="articles", blank=True
    )
    tags = TaggableManager("标签", blank=True)
    is_generated = models.BooleanField(
        "生成的测试稿件", default=False, db_index=True, editable=False
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # Written by articles/search.py, never by forms. Used on PostgreSQL only (SQLite keeps its
    # index in an FTS5 table); the GIN index is created by migration 0004 on PostgreSQL only,
    # so it is not declared in Meta.indexes.
    search_vector = SearchVectorField("检索向量", null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_page", "source_position"],
                condition=~Q(source_page=""),
                name="unique_position_on_source_page",
            )
        ]
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="article_latest_idx"),
            # The sitemap's lastmod: the newest change in one index lookup, and each file of
            # story addresses read from the index alone (INCLUDE is PostgreSQL's; elsewhere
            # this is a plain index on id).
            models.Index(fields=["updated_at"], name="article_updated_idx"),
            models.Index(fields=["id"], include=["updated_at"], name="article_id_updated_idx"),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("articles:article-detail", args=[self.pk])

    def clean(self):
        # Empty values are refused by the fields themselves; these are the cases they let pass.
        errors = {}
        if self.headline and not self.headline.strip():
            errors["headline"] = "请填写主题（标题）：不能只有空格。"
        if self.body and not self.body.strip():
            errors["body"] = "正文不能为空：不能只有空格和空行。"
        today = timezone.localdate()
        if self.published_on and self.published_on > today:
            errors["published_on"] = f"见报日期不能晚于今天（{today:%Y-%m-%d}）。"
        if errors:
            raise ValidationError(errors)

    def page_neighbours(self):
        """The stories before and after this one on the same printed page (or None)."""
        if not self.source_page:
            return None, None
        same_page = Article.objects.filter(source_page=self.source_page)
        previous = (
            same_page.filter(source_position__lt=self.source_position)
            .order_by("-source_position")
            .first()
        )
        following = (
            same_page.filter(source_position__gt=self.source_position)
            .order_by("source_position")
            .first()
        )
        return previous, following

    def body_blocks(self):
        """The body as blocks for a template: {"kind": "subhead" | "paragraph", "text", "dateline"}.

        The dateline (本报讯) is stored apart from the text and shown at the start of the first
        paragraph, where it was printed.
        """
        blocks, dateline = [], self.dateline
        for block in self.body.replace("\r\n", "\n").split("\n\n"):
            block = block.strip()
            if not block:
                continue
            if block.startswith("### "):
                blocks.append({"kind": "subhead", "text": block[4:].strip(), "dateline": ""})
            else:
                blocks.append({"kind": "paragraph", "text": block, "dateline": dateline})
                dateline = ""
        return blocks


class Byline(models.Model):
    class Role(models.TextChoices):
        STAFF_REPORTER = "staff_reporter", "本报记者"
        TRAINEE_REPORTER = "trainee_reporter", "见习记者"
        CORRESPONDENT = "correspondent", "通讯员"
        SPECIAL_CORRESPONDENT = "special_correspondent", "特约记者"
        REPORTER = "reporter", "记者"
        PHOTOGRAPHER = "photographer", "摄影"

    article = models.ForeignKey(
        Article, verbose_name="稿件", on_delete=models.CASCADE, related_name="bylines"
    )
    reporter = models.ForeignKey(
        Reporter, verbose_name="记者", on_delete=models.PROTECT, related_name="bylines"
    )
    role = models.CharField("身份", max_length=30, choices=Role.choices)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["article", "order", "id"]

    def __str__(self):
        return f"{self.get_role_display()} {self.reporter.name}"


class SlugRedirect(models.Model):
    """An address that moved: a reporter's, region's or tag's old slug, kept when an editor
    renames it or merges a reporter into another, so that links to the old page, and its
    feeds, answer 301 to wherever that page is now (see articles/redirects.py)."""

    class Kind(models.TextChoices):
        REPORTER = "reporter", "记者"
        DISTRICT = "district", "地区"
        TAG = "tag", "标签"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    old_slug = models.CharField("旧网址名", max_length=255)
    # The id rather than the new slug: after a second rename, the first old address still
    # leads to the current page in one hop.
    target_id = models.BigIntegerField("现在的对象编号")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "旧网址"
        verbose_name_plural = "旧网址"
        ordering = ["kind", "old_slug"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="unique_old_slug_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.old_slug}"

    def get_absolute_url(self):
        return reverse(f"articles:{self.kind}-detail", args=[self.old_slug])
