"""Writing parsed pages (articles/importer.py) into the archive: the import_page command's work.

Idempotent: a page is found again by its source name, a story by its position on the page;
what is unchanged is not written. Editors' work is never undone silently: a story whose text
or bylines no longer match what the importer last wrote (its `import_digest`) was edited since,
and is skipped unless `overwrite`. Every change an import makes is a version in the story's
history (django-reversion), after a version of the story as it stood before.
"""

import hashlib
import json

import reversion
from django.core.management.base import CommandError

from .importer import detect_regions
from .models import Article, Byline, Edition, Page, Region, Reporter

TEXT_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body")


def digest(fields, bylines):
    """A fingerprint of a story's imported text and bylines [(role, agency, name), …]."""
    data = json.dumps([[fields[name] for name in TEXT_FIELDS], bylines], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def current_digest(article):
    bylines = [
        [b.role, b.agency, b.reporter.name]
        for b in article.bylines.select_related("reporter").order_by("order", "id")
    ]
    return digest({name: getattr(article, name) for name in TEXT_FIELDS}, bylines)


class PageImport:
    """Writes pages one after another (inside the caller's transaction) and counts outcomes."""

    OUTCOMES = ("created", "updated", "unchanged", "skipped")

    def __init__(self, *, estimated, note, overwrite):
        self.estimated, self.note, self.overwrite = estimated, note, overwrite
        self.current = (None, None)  # (page file, report) being written, for error messages
        self.lines = []

    def write(self, page_file):
        self.current = (page_file, None)
        edition = self.edition(page_file.date)
        page = self.page(page_file, edition)
        counts = dict.fromkeys(self.OUTCOMES, 0)
        skipped = []
        for report in page_file.parsed.reports:
            self.current = (page_file, report)
            outcome = self.save_report(report, page, page_file)
            counts[outcome] += 1
            if outcome == "skipped":
                skipped.append(report)
        self.lines.append(
            f"{page_file.path}: {page}, {len(page_file.parsed.reports)} reports, "
            + ", ".join(f"{counts[name]} {name}" for name in self.OUTCOMES)
            + "."
        )
        for report in skipped:
            self.lines.append(
                f"  skipped: edited since import: line {report.line} “{report.headline}” "
                "(--overwrite to replace the editors' version)"
            )

    def summary(self):
        return self.lines

    def edition(self, date):
        edition, created = Edition.objects.get_or_create(
            date=date,
            defaults={"date_is_estimated": self.estimated, "editorial_note": self.note},
        )
        # An existing edition takes what this import states, and keeps what it does not.
        changed = False
        if self.estimated and not edition.date_is_estimated:
            edition.date_is_estimated, changed = True, True
        if self.note and edition.editorial_note != self.note:
            edition.editorial_note, changed = self.note, True
        if changed:
            edition.save()
        return edition

    def page(self, page_file, edition):
        page = Page.objects.filter(source=page_file.source).first() or Page(source=page_file.source)
        wanted = {"edition": edition, "number": page_file.number, "name": page_file.name}
        taken = (
            Page.objects.filter(edition=edition, number=page_file.number)
            .exclude(pk=page.pk)
            .first()
        )
        if taken:
            raise CommandError(
                f"{page_file.path}: {taken} already holds the page imported from "
                f"“{taken.source or '(no file)'}”; give another --page, or --source "
                f"{taken.source or 'NAME'} to import this file over it. Nothing was imported."
            )
        if page.pk is None or any(getattr(page, k) != v for k, v in wanted.items()):
            for name, value in wanted.items():
                setattr(page, name, value)
            page.save()  # carries the date and number to its stories
        return page

    def save_report(self, report, page, page_file):
        """Create or update one story; returns one of OUTCOMES."""
        fields = {name: getattr(report, name) for name in TEXT_FIELDS}
        bylines = [[b.role, b.agency, b.name] for b in report.bylines]
        new_digest = digest(fields, bylines)
        article = Article.objects.filter(page=page, position=report.position).first()
        if article is None:
            return self.create(report, page, page_file, fields, bylines, new_digest)
        now = current_digest(article)
        if now == new_digest:
            self.sync_story_facts(article, new_digest)
            return "unchanged"
        edited = now != article.import_digest
        if edited and not self.overwrite:
            return "skipped"
        self.keep_before(article, edited)
        with reversion.create_revision():
            for name, value in fields.items():
                setattr(article, name, value)
            article.import_digest = new_digest
            article.editorial_note = self.note or article.editorial_note
            article.save()
            set_bylines(article, bylines)
            article.save()  # so that its search entry sees the new bylines
            reversion.add_to_revision(article)
            reversion.set_comment(f"导入版面 {page_file.path.name}：更新。")
        return "updated"

    def sync_story_facts(self, article, new_digest):
        """The text is as imported: record that, and the note, without a new version."""
        updates = {}
        if article.import_digest != new_digest:
            updates["import_digest"] = new_digest
        if self.note and article.editorial_note != self.note:
            updates["editorial_note"] = self.note
        if updates:
            Article.objects.filter(pk=article.pk).update(**updates)

    def create(self, report, page, page_file, fields, bylines, new_digest):
        with reversion.create_revision():
            article = Article(
                page=page,
                position=report.position,
                import_digest=new_digest,
                editorial_note=self.note,
                **fields,
            )
            article.save()
            set_bylines(article, bylines)
            # Districts are detected only when a story is first imported: after that they are
            # the editors' to change. Tags the importer never touches.
            article.districts.set(regions_named_in(report))
            article.save()
            reversion.add_to_revision(article)
            reversion.set_comment(f"导入版面 {page_file.path.name}。")
        return "created"

    @staticmethod
    def keep_before(article, edited):
        """A version of the story as it stands, when its history does not hold it already:
        the editors' text about to be overwritten, or a story that has no version yet."""
        from .admin import keep_original, keep_version  # the editors' desk's own rules

        if edited:
            keep_version(article, "导入覆盖前的编辑版本。")
        else:
            keep_original(article)


def set_bylines(article, bylines):
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, reporter=find_reporter(name), role=role, agency=agency, order=n)
        for n, (role, agency, name) in enumerate(bylines, start=1)
    )


def find_reporter(name):
    reporter = Reporter.objects.filter(name=name).order_by("id").first()
    return reporter or Reporter.objects.create(name=name)


def regions_named_in(report):
    regions = list(Region.objects.all())
    whole_area = next((r for r in regions if r.parent_id is None), None)
    if whole_area is None:
        return []
    text = "\n".join([report.kicker, report.headline, report.subheadline, report.body])
    names = detect_regions(
        text, [r.name for r in regions if r.parent_id is not None], whole_area.name
    )
    return [r for r in regions if r.name in names]
