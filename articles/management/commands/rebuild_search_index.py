import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search index of every story (the articles.search package), "
        "e.g. after teaching the segmenter new names. Each batch is written in its own "
        "transaction; on PostgreSQL the RUM indexes are then rebuilt, compact again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=search.BATCH_SIZE,
            help=f"Stories read and written per batch (default {search.BATCH_SIZE}).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to rebuild the index in."
        )

    def handle(self, *args, batch_size, database, verbosity, **options):
        articles = Article.objects.using(database)
        total = articles.count()
        started = time.monotonic()

        def progress(done):
            if verbosity:
                elapsed = max(time.monotonic() - started, 1e-6)
                self.stdout.write(
                    f"\r已索引 {done:,}/{total:,} 篇（{done / max(total, 1):.0%}，"
                    f"{done / elapsed:,.0f} 篇/秒）",
                    ending="",
                )
                self.stdout.flush()

        with transaction.atomic(using=database):
            # Entries of stories deleted behind the ORM's back go too (SQLite keeps its own table).
            search.clear_index(using=database)
        done = 0
        ids = list(articles.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic(using=database):
                done += search.index_articles(
                    ids[start : start + batch_size], using=database, batch_size=batch_size
                )
            progress(done)
        if verbosity:
            self.stdout.write("")
        search.compact_index(using=database)
        self.stdout.write(
            self.style.SUCCESS(
                f"检索索引已重建：{done:,} 篇稿件，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
