import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Func, Max, OuterRef, Q, Subquery
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from .slugs import pinyin_slug
from .validators import validate_publication_date

RELATED_WINDOW_DAYS = 90
RECENT_STORIES = 1_000  # see ArticleQuerySet.newest_change_by
# Index-backed (article_print_order_idx): the date, the page's number (denormalised onto the
# story as page_order, since an ORDER BY across a join cannot use an index), the position.
LATEST_FIRST = ["-published_on", "page_order", "position", "-id"]


class RegionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def family_of(self, region):
        """The ids of a region (its pk, or an OuterRef to one) and of the regions under it, as
        a subquery: 湖州市's page lists its districts' stories, and counts them."""
        return self.filter(Q(pk=region) | Q(parent=region)).values("pk")

    def with_story_counts(self):
        """Each region with `story_count`: its own stories, and for 湖州市 its districts' too,
        a story naming the city and one of its districts counted once."""
        count = models.Func("article_id", template="COUNT(DISTINCT %(expressions)s)")
        return self.annotate(story_count=self.over_family(count, models.IntegerField()))

    @staticmethod
    def over_family(expression, output_field):
        """`expression`, an aggregate written as a plain function (so that Django does not
        group the subquery), over the district links of a region and its districts: one
        correlated subquery, one query for all regions. The tree is one level deep. The
        family's ids are a subquery of their own, so that the links are found through their
        region index rather than by testing every link against an OR across a join."""
        family = Region.objects.family_of(OuterRef(OuterRef("pk")))
        links = Article.districts.through.objects.filter(region__in=family).order_by()
        return Subquery(links.annotate(value=expression).values("value"), output_field=output_field)


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
        """This region and the regions under it, as a subquery: filtering by it costs no query
        of its own."""
        return Region.objects.family_of(self.pk)


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


UNKNOWN_PAGE_ORDER = 999  # the sort key of a page whose number is unknown: after the others
UNKNOWN_PAGE_SLUG = "x"  # /editions/2021-09-30/x/: the page of an edition whose number is unknown


def format_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


class EditionQuerySet(models.QuerySet):
    def with_page_counts(self):
        return self.annotate(page_count=Count("pages"))


class Edition(models.Model):
    """One day's paper: the pages printed on a date."""

    date = models.DateField("日期", unique=True)
    date_is_estimated = models.BooleanField(
        "日期为推定", default=False, help_text="版面未印日期、由编辑根据内容推定时勾选。"
    )
    editorial_note = models.TextField("编辑说明", blank=True)
    is_generated = models.BooleanField("生成的测试期次", default=False, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = "期次"
        verbose_name_plural = "期次"
        ordering = ["-date"]

    def __str__(self):
        return format_date(self.date)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The stories carry the date too (published_on, indexed for every listing).
        Article.objects.filter(page__edition=self).exclude(
            published_on=self.date, date_is_estimated=self.date_is_estimated
        ).update(published_on=self.date, date_is_estimated=self.date_is_estimated)

    def get_absolute_url(self):
        return reverse("articles:edition-detail", args=[self.date.isoformat()])

    def clean(self):
        # The same rule as a story's date: an edition's date is its stories' date.
        if self.date:
            try:
                validate_publication_date(self.date)
            except ValidationError as error:
                raise ValidationError({"date": error.messages}) from None


class PageQuerySet(models.QuerySet):
    def in_print_order(self):
        return self.order_by(F("number").asc(nulls_last=True), "id")


class Page(models.Model):
    """One printed page (版) of an edition: its number (版次) and name (版名)."""

    edition = models.ForeignKey(
        Edition, verbose_name="期次", on_delete=models.PROTECT, related_name="pages"
    )
    number = models.PositiveSmallIntegerField(
        "版次",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(UNKNOWN_PAGE_ORDER - 1)],
        help_text="版次未详时留空。",
    )
    name = models.CharField("版名", max_length=30, blank=True, help_text="如“要闻”，可不填。")
    source = models.CharField(
        "来源文件", max_length=100, blank=True, help_text="导入时的版面文件名（不含扩展名）。"
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["-edition__date", F("number").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="unique_page_number_in_edition"
            ),
            # Its address is /editions/<date>/x/: one page of unknown number per edition.
            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(number__isnull=True),
                name="one_unnumbered_page_per_edition",
            ),
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="unique_page_source"
            ),
        ]

    def __str__(self):
        return f"{self.edition} {self.label}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Its stories carry its date and number, for LATEST_FIRST and every date filter.
        facts = {
            "published_on": self.edition.date,
            "date_is_estimated": self.edition.date_is_estimated,
            "page_order": self.sort_key,
        }
        self.articles.exclude(**facts).update(**facts)

    def get_absolute_url(self):
        return reverse("articles:page-detail", args=[self.edition.date.isoformat(), self.slug])

    @property
    def slug(self):
        return str(self.number) if self.number else UNKNOWN_PAGE_SLUG

    @property
    def number_label(self):
        return f"第{self.number}版" if self.number else "版次未详"

    @property
    def label(self):
        """第3版 要闻, or 版次未详."""
        return f"{self.number_label} {self.name}".strip()

    @property
    def sort_key(self):
        return self.number or UNKNOWN_PAGE_ORDER


class ArticleQuerySet(models.QuerySet):
    def latest_first(self):
        """Newest date first; within a date, in printed order (page, then position)."""
        return self.order_by(*LATEST_FIRST)

    def in_print_order(self):
        return self.order_by("position", "id")

    def oldest_first(self):
        # The exact reverse of latest_first, whatever that orders by.
        return self.latest_first().reverse()

    def published_between(self, start=None, end=None):
        """Stories published from `start` through `end` (dates, both inclusive; None: open)."""
        qs = self
        if start is not None:
            qs = qs.filter(published_on__gte=start)
        if end is not None:
            qs = qs.filter(published_on__lte=end)
        return qs

    def for_listing(self):
        """Everything a story card shows, in one query more (articles/cards.py)."""
        from .cards import CardIterable

        queryset = self.defer("search_vector")
        queryset._iterable_class = CardIterable
        return queryset

    def filter_by(self, *, reporter=None, district=None, tag=None):
        """The listing filters; they combine. Each takes a Reporter, a Region or a taggit Tag
        (see `of`)."""
        qs = self
        for obj in (reporter, district, tag):
            if obj is not None:
                qs = qs.of(obj)
        return qs

    def of(self, obj, *, with_children=True, hashed=False):
        """The stories of a reporter (their bylines), a region (naming it, and for a city its
        districts' too unless `with_children` is false) or a taggit Tag: the one helper for
        "stories of X", used by the listings, the signals, the admin and the search index.

        Subqueries rather than joins, so that a story matches once however many of its bylines
        or districts match, without a DISTINCT over the whole listing. `hashed` (PostgreSQL):
        the links are read once into a hash that each story is looked up in, rather than
        probed in their index for each story, which is PostgreSQL's choice for a listing in
        order (see ListingParams.articles_with_links_hashed).
        """
        links = Q(pk__in=story_links(obj, with_children=with_children))
        return self.filter(HashedLookup(links) if hashed else links)

    def related_to(self, article, limit=5, within_days=RELATED_WINDOW_DAYS):
        """Stories from around the same time sharing the most tags and districts with
        `article`, newest first on ties. Near in time because that is what related coverage
        in a newspaper is, and because scoring every story that shares a common tag costs
        most of a second at 100,000 stories."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        region_ids = [region.pk for region in article.districts.all()]
        # Clamped: a story dated 0001-01-01 or 9999-12-31 (written before dates were validated,
        # or behind the ORM's back) must still show its page.
        window = datetime.timedelta(days=within_days)
        earliest = max(article.published_on, datetime.date.min + window) - window
        latest = min(article.published_on, datetime.date.max - window) + window
        return (
            self.exclude(pk=article.pk)
            .filter(published_on__gte=earliest)
            .filter(published_on__lte=latest)
            .filter(Q(tags__in=tag_ids) | Q(districts__in=region_ids))
            .annotate(
                shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
                + Count("districts", filter=Q(districts__in=region_ids), distinct=True)
            )
            .order_by("-shared", "-published_on", "-id")[:limit]
        )

    def generated(self):
        return self.filter(is_generated=True)

    def newest_change(self):
        """The newest updated_at of these stories (or None): one walk down article_updated_idx
        to the first story that matches, where Max() would visit every one."""
        return self.order_by("-updated_at").values_list("updated_at", flat=True).first()

    def newest_change_by(self, links, story, group, among):
        """{id: the newest updated_at of its stories} for each id in `among` that has stories:
        `links` are the rows tying a story (column `story`) to a reporter, region or tag
        (column `group`): bylines, Article.districts.through, taggit's TaggedItem.

        The newest RECENT_STORIES stories hold the newest change of every group they name,
        since every other story is older: a few index lookups, where grouping every link
        costs 100 ms and more at 100,000 stories. Only the groups they miss (a tag not used
        lately) are grouped over all their links. Each link's story is looked up by id rather
        than joined: taggit's join casts object_id, and then no index serves it."""
        updated_at = self.filter(pk=OuterRef(story)).order_by().values("updated_at")

        def newest_per_group(rows):
            rows = rows.values_list(group).annotate(newest=Max(Subquery(updated_at)))
            return dict(rows.order_by())

        recent = self.order_by("-updated_at").values("pk")[:RECENT_STORIES]
        found = newest_per_group(links.filter(**{f"{story}__in": recent, f"{group}__in": among}))
        missing = set(among) - found.keys()
        if missing:
            found |= newest_per_group(links.filter(**{f"{group}__in": missing}))
        return {key: value for key, value in found.items() if value is not None}

    def search(self, query, *, within=None):
        """Stories matching a reader's query, best first; see the articles.search package.

        Several words must all appear; words in quotes form a phrase. Raises
        search.InvalidQuery (a ValueError) for a query it refuses. Filter before searching:
        only the newest matches are ranked, and filters applied first narrow those. `within`:
        how many results will be read at most, if known (it can spare looking for some).
        """
        from . import search

        return search.search(self, query, within=within)

    def matching(self, query):
        """Stories matching a reader's query, unranked and unordered (for counting)."""
        from . import search

        return search.matching(self, query)

    def search_by_date(self, query, *, oldest=False):
        """Stories matching a reader's query, newest (or oldest) first. Like search(), only
        the first search.CANDIDATES of them are listed, so that counting them stays cheap."""
        from . import search

        def in_order(qs):
            return qs.oldest_first() if oldest else qs.latest_first()

        candidates = in_order(self.matching(query)).values("pk")[: search.CANDIDATES]
        return in_order(self.filter(pk__in=candidates)).defer("search_vector")


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
    page = models.ForeignKey(
        Page,
        verbose_name="见报版面",
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        help_text="有版面时，见报日期以版面所属期次为准。",
    )
    position = models.PositiveSmallIntegerField(
        "版面位置", null=True, blank=True, help_text="在版面上的顺序，头条为 1。"
    )
    # The page's number, or UNKNOWN_PAGE_ORDER: kept by save() and Page.save() for LATEST_FIRST.
    page_order = models.PositiveSmallIntegerField(
        "版次排序", default=UNKNOWN_PAGE_ORDER, editable=False
    )
    # What the importer last wrote (articles/management/commands/import_page.py): a story whose
    # text no longer matches it was edited since, and a re-import leaves it alone.
    import_digest = models.CharField("导入指纹", max_length=64, blank=True, editable=False)
    districts = models.ManyToManyField(
        Region, verbose_name="地区", related_name="articles", blank=True
    )
    tags = TaggableManager("标签", blank=True)
    is_generated = models.BooleanField(
        "生成的测试稿件", default=False, db_index=True, editable=False
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # Written by articles.search.index, never by forms. Used on PostgreSQL only (SQLite keeps its
    # index in an FTS5 table); the GIN index is created by migration 0004 on PostgreSQL only,
    # so it is not declared in Meta.indexes.
    search_vector = SearchVectorField("检索向量", null=True, editable=False)

    # Not a field: a search result's shown fields with the matches marked, which the search
    # and person views set from listing.mark_matches. None elsewhere, so that a listing's card
    # template finds it at once (a missing attribute costs Django's template engine a dir()
    # of the story).
    marks = None

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = LATEST_FIRST
        constraints = [
            models.UniqueConstraint(
                fields=["page", "position"],
                condition=Q(page__isnull=False),
                name="unique_position_on_page",
            )
        ]
        indexes = [
            models.Index(fields=LATEST_FIRST, name="article_print_order_idx"),
            # The sitemap's lastmod: the newest change in one index lookup, and each file of
            # story addresses read from the index alone; a listing's facets read the dates of
            # the stories they count from it too, a probe each (INCLUDE is PostgreSQL's;
            # elsewhere this is a plain index on id).
            models.Index(fields=["updated_at"], name="article_updated_idx"),
            models.Index(
                fields=["id"], include=["updated_at", "published_on"], name="article_id_dates_idx"
            ),
            # The edition and archive sitemaps: the newest change per page and per day, read
            # from an index alone. Both columns in the key rather than updated_at INCLUDEd, so
            # that SQLite's index covers them too.
            models.Index(fields=["page", "updated_at"], name="article_page_updated_idx"),
            models.Index(fields=["published_on", "updated_at"], name="article_day_updated_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if self.page_id is not None:
            # The page decides the date: listings filter and sort on published_on.
            edition = self.page.edition
            self.published_on = edition.date
            self.date_is_estimated = edition.date_is_estimated
            self.page_order = self.page.sort_key
        else:
            self.page_order = UNKNOWN_PAGE_ORDER
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", args=[self.pk])

    def clean(self):
        # Empty values are refused by the fields themselves; these are the cases they let pass.
        errors = {}
        if self.headline and not self.headline.strip():
            errors["headline"] = "请填写主题（标题）：不能只有空格。"
        if self.body and not self.body.strip():
            errors["body"] = "正文不能为空：不能只有空格和空行。"
        if self.published_on:
            try:
                validate_publication_date(self.published_on)
            except ValidationError as error:
                errors["published_on"] = error.messages
        if errors:
            raise ValidationError(errors)

    def page_neighbours(self):
        """The stories before and after this one on the same printed page (or None)."""
        if self.page_id is None or self.position is None:
            return None, None
        # A page holds a handful of stories: read them all at once rather than ask twice.
        same_page = Article.objects.filter(page_id=self.page_id, position__isnull=False)
        stories = list(same_page.only("headline", "position").in_print_order())
        before = [story for story in stories if story.position < self.position]
        after = [story for story in stories if story.position > self.position]
        return (before[-1] if before else None), (after[0] if after else None)

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


class HashedLookup(Func):
    """A condition PostgreSQL tests on each row as it is, where it would have turned an IN of
    a subquery into a join: it does that only for a condition at the top of a WHERE, and keeps
    one under IS TRUE as a subplan, hashed once when its rows fit in memory."""

    template = "(%(expressions)s) IS TRUE"
    output_field = models.BooleanField()


def story_links(obj, *, with_children=True):
    """The ids of the stories of a reporter, a region or a taggit Tag (see
    ArticleQuerySet.of), read from the rows that tie them (bylines, districts, tagged items):
    a subquery, or counted on its own (`.distinct().count()`) without reading a story."""
    links, column = story_link_rows(obj, with_children=with_children)
    return links.values(column)


def story_link_rows(obj, *, with_children=True):
    """The rows that tie stories to `obj` (see story_links), and their story id's column."""
    if isinstance(obj, Reporter):
        return Byline.objects.filter(reporter=obj), "article_id"
    if isinstance(obj, Region):
        regions = obj.family() if with_children else [obj.pk]
        return Article.districts.through.objects.filter(region__in=regions), "article_id"
    # The content type by id, not by joining django_content_type on its names: with the
    # join, PostgreSQL misjudges how many stories a tag has and picks slow plans.
    return TaggedItem.objects.filter(content_type=story_content_type(), tag=obj), "object_id"


def story_content_type():
    """The content type of stories (Article), from Django's cache: taggit links tags to stories
    by it. The one helper for it, used by the listings, the signals, the search index and the
    corpus generator."""
    return ContentType.objects.get_for_model(Article)


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
    agency = models.CharField(
        "单位",
        max_length=20,
        blank=True,
        help_text="转载稿件的通讯社或报社，如“新华社”；本报稿件留空。",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["article", "order", "id"]
        indexes = [
            # The reporters of given stories from the index alone (the reporter sitemap's
            # newest stories, ArticleQuerySet.newest_change_by): without it PostgreSQL reads
            # every byline rather than look a thousand stories up.
            models.Index(fields=["article", "reporter"], name="byline_article_reporter_idx"),
            # A reporter's stories from the index alone: their page's count (the distinct
            # stories of their bylines) and its facets' sample (the bylines on a grid of ids).
            models.Index(fields=["reporter", "article"], name="byline_reporter_article_idx"),
        ]

    def __str__(self):
        return f"{self.role_label} {self.reporter.name}"

    @property
    def role_label(self):
        """新华社记者, 本报记者, 通讯员…: the role as printed, with the agency of wire copy."""
        return f"{self.agency}{self.get_role_display()}"


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


# The editors' dictionary lives in its own module; imported here so that Django finds it.
from .dictionary import DictionaryEntry, DictionaryVersion  # noqa: E402, F401
from .generation import ArchiveState  # noqa: E402, F401  (registers the model; see generation.py)
