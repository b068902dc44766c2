import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from taggit.models import Tag, TaggedItem

from articles.corpus import TOPIC_TAGS, CorpusGenerator, edition_layout
from articles.models import Article, Byline, Edition, Page, Region, Reporter, story_content_type
from articles.search import compact_index, index_articles

SEED_PAGE = settings.BASE_DIR / "fixtures" / "pages" / "000_fbd30dea7fb6adfd.txt"


class Command(BaseCommand):
    help = (
        "Add synthetic stories built from the seed page's vocabulary, for pagination, query-count, "
        "search and load tests. They are marked as generated; --clear removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0, help="How many stories to add.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same corpus."
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Stories per bulk insert.")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove every generated story (and generated reporters, editions and pages) "
            "before adding any.",
        )

    def handle(self, *args, articles, seed, batch_size, clear, **options):
        if clear:
            self.clear()
        if articles <= 0:
            return
        regions = {r.name: r for r in Region.objects.all()}
        generator = CorpusGenerator(
            SEED_PAGE.read_text(encoding="utf-8"), region_names=list(regions), seed=seed
        )
        reporters = self.reporters(generator.reporter_names)
        tags = self.tags()
        placer = PagePlacer(seed)
        started = time.monotonic()
        done = 0
        while done < articles:
            size = min(batch_size, articles - done)
            with transaction.atomic():
                self.insert_batch(
                    [generator.story() for _ in range(size)], reporters, regions, tags, placer
                )
            done += size
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"\r{done:,}/{articles:,} stories ({rate:,.0f}/s)", ending="")
            self.stdout.flush()
        self.stdout.write("")
        # Inserted batch by batch, PostgreSQL's RUM indexes end half again as large as built in
        # one go (the search vector's: 452 against 305 MB at 100,000 stories), and a larger
        # index is more to read for every search. Rebuilt, as after rebuild_search_index.
        compact_index()
        # Fresh planner statistics: without them PostgreSQL plans for the empty tables it saw
        # last and picks nested loops over tens of thousands of rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {articles:,} generated stories in {time.monotonic() - started:.1f}s."
            )
        )

    def clear(self):
        generated = Article.objects.generated()
        with transaction.atomic():
            TaggedItem.objects.filter(
                content_type=story_content_type(),
                object_id__in=generated.values("id"),
            ).delete()
            count = generated.count()
            generated.delete()
            Page.objects.filter(edition__is_generated=True, articles__isnull=True).delete()
            Edition.objects.filter(is_generated=True, pages__isnull=True).delete()
            Reporter.objects.filter(is_generated=True, bylines__isnull=True).delete()
            Tag.objects.filter(name__in=TOPIC_TAGS, taggit_taggeditem_items__isnull=True).delete()
        self.stdout.write(f"Removed {count:,} generated stories.")

    def reporters(self, names):
        """Name → Reporter; the seed's own reporters are reused, the invented ones created."""
        existing = {r.name: r for r in Reporter.objects.filter(name__in=names)}
        for name in names:
            if name not in existing:
                existing[name] = Reporter.objects.create(name=name, is_generated=True)
        return existing

    def tags(self):
        tags = {t.name: t for t in Tag.objects.filter(name__in=TOPIC_TAGS)}
        for name in TOPIC_TAGS:
            if name not in tags:
                tags[name] = Tag.objects.create(name=name)  # Tag.save() makes the slug
        return tags

    def insert_batch(self, stories, reporters, regions, tags, placer):
        placer.prepare({story.published_on for story in stories})
        articles = Article.objects.bulk_create(
            Article(
                headline=story.headline,
                kicker=story.kicker,
                body=story.body,
                published_on=story.published_on,
                is_generated=True,
                **placer.place(story.published_on),
            )
            for story in stories
        )
        Byline.objects.bulk_create(
            Byline(article=article, reporter=reporters[name], role=role, order=order)
            for article, story in zip(articles, stories, strict=True)
            for order, (role, name) in enumerate(story.bylines, start=1)
        )
        Article.districts.through.objects.bulk_create(
            Article.districts.through(article_id=article.id, region_id=regions[name].id)
            for article, story in zip(articles, stories, strict=True)
            for name in story.districts
        )
        content_type = story_content_type()
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=content_type, object_id=article.id, tag=tags[name])
            for article, story in zip(articles, stories, strict=True)
            for name in story.tags
        )
        # bulk_create() sends no signals: index the batch here, in the same transaction.
        index_articles([article.id for article in articles])


class PagePlacer:
    """Puts generated stories on the pages of generated editions (edition_layout), one after
    another in each page's printed order. A date whose edition is real (imported) gets no
    generated pages: its stories go on no page."""

    def __init__(self, seed):
        self.random = random.Random(seed)  # apart from the stories', which stay as they were
        self.pages = {}  # date → [Page, …], or [] for a real edition
        self.next_position = {}  # page id → the next free position

    def prepare(self, dates):
        wanted = sorted(set(dates) - set(self.pages))
        if not wanted:
            return
        existing = {e.date: e for e in Edition.objects.filter(date__in=wanted)}
        created = Edition.objects.bulk_create(
            Edition(date=day, is_generated=True) for day in wanted if day not in existing
        )
        editions = {**existing, **{e.date: e for e in created}}
        Page.objects.bulk_create(
            Page(edition=editions[day], number=number, name=name)
            for day in wanted
            if day not in existing
            for number, name in edition_layout(day)
        )
        generated = Page.objects.filter(
            edition__in=[e for e in editions.values() if e.is_generated]
        )
        for page in generated.select_related("edition").order_by("number"):
            self.pages.setdefault(page.edition.date, []).append(page)
            self.next_position[page.pk] = 1
        for day in wanted:
            self.pages.setdefault(day, [])
        last = (
            Article.objects.filter(page__in=generated).values("page").annotate(last=Max("position"))
        )
        for row in last:
            self.next_position[row["page"]] = row["last"] + 1

    def place(self, day):
        pages = self.pages[day]
        if not pages:
            return {}
        page = pages[self.random.randrange(len(pages))]
        position = self.next_position[page.pk]
        self.next_position[page.pk] = position + 1
        return {"page": page, "position": position, "page_order": page.number}
