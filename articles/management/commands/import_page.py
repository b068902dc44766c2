"""`manage.py import_page FILE [FILE …]`: pages of the paper into the archive.

Reading is articles/importer.py's (pure); this command checks everything it read against the
models' own validation, then writes all the files in one transaction, or nothing.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from articles.importer import PageFormatError, read_page
from articles.models import Article, Byline, Page, Reporter
from articles.page_import import PageImport


@dataclass
class PageFile:
    """One file to import, with the facts about its page resolved (flags win over headers)."""

    path: Path
    parsed: object  # importer.ParsedPage
    date: datetime.date
    number: int | None
    name: str
    source: str

    def header_line(self, key):
        return self.parsed.header.lines.get(key)


class Command(BaseCommand):
    help = (
        "Import pages of the paper in the archive's text format (see articles/importer.py). "
        "Several files are consecutive pages of one edition. All of them are written in one "
        "transaction or none is; importing the same page again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Pages, UTF-8 text files.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Publication date, YYYY-MM-DD; wins over a 日期: line in the file.",
        )
        parser.add_argument(
            "--page",
            type=int,
            help="Page number (版次) of the first file; the next files are the next pages. "
            "Wins over a 版次: line. Without either the number is recorded as unknown.",
        )
        parser.add_argument(
            "--page-name", default=None, help="Page name (版名), e.g. 要闻; wins over 版名:."
        )
        parser.add_argument(
            "--estimated",
            action="store_true",
            help="The page carries no date and the date is the editors' estimate.",
        )
        parser.add_argument(
            "--note", default="", help="Editorial note kept on the edition and every story."
        )
        parser.add_argument(
            "--source",
            help="Name of the page in the archive (one file only); defaults to the file name "
            "without extension. A page is found again by this name on re-import.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Also update stories that editors changed since their import (each change "
            "stays in the story's history).",
        )

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        if len(paths) > 1 and options["source"]:
            raise CommandError("--source names one page: give it with one file only.")
        pages = [self.resolve(path, read(path), index, options) for index, path in enumerate(paths)]
        check_batch(pages)
        for page in pages:
            validate(page, options)
        outcome = PageImport(
            estimated=options["estimated"], note=options["note"], overwrite=options["overwrite"]
        )
        try:
            with transaction.atomic():
                for page in pages:
                    outcome.write(page)
        except DatabaseError as error:
            page, report = outcome.current
            line = report.line if report else 1
            raise CommandError(
                f"{page.path}, line {line}: the database refused "
                f"“{report.headline if report else page.source}” ({error}); "
                "nothing from these pages was imported."
            ) from None
        for line in outcome.summary():
            self.stdout.write(line)

    def resolve(self, path, parsed, index, options):
        header = parsed.header
        date = options["date"] or header.date
        if date is None:
            raise CommandError(f"{path}: no date: give --date YYYY-MM-DD or a “日期:” line.")
        if options["page"] is not None:
            number = options["page"] + index
        else:
            number = header.number
        name = options["page_name"] if options["page_name"] is not None else header.name
        return PageFile(path, parsed, date, number, name, options["source"] or path.stem)


def read(path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise CommandError(f"{path}, line {line}: not valid UTF-8 text") from None
    try:
        return read_page(text, source=str(path))
    except PageFormatError as error:
        raise CommandError(str(error)) from None


def check_batch(pages):
    """Pages of one batch must not claim the same place in an edition."""
    seen = {}
    for page in pages:
        key = (page.date, page.number)
        if key in seen:
            where = f"第{page.number}版" if page.number else "a page of unknown number"
            raise CommandError(
                f"{page.path}: {seen[key]} is already {where} of {page.date}: give --page N "
                "(the files are then numbered N, N+1, …) or a “版次:” line in each file."
            )
        seen[key] = page.path
        if page.source in [p.source for p in pages if p is not page]:
            raise CommandError(f"{page.path}: two files named {page.source}.")


def validate(page, options):
    """The models' own validation, for every story, name and page fact, before writing."""
    date_where = "the --date option" if options["date"] else f"line {page.header_line('date')}"
    try:
        Page(number=page.number, name=page.name, source=page.source).full_clean(
            exclude=["edition"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        line = page.header_line("number") or page.header_line("name") or 1
        raise CommandError(f"{page.path}, line {line}: {describe(Page, error)}") from None
    for report in page.parsed.reports:
        article = Article(
            kicker=report.kicker,
            headline=report.headline,
            subheadline=report.subheadline,
            dateline=report.dateline,
            body=report.body,
            published_on=page.date,
            editorial_note=options["note"],
        )
        try:
            article.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            dates_only = set(error.message_dict) == {"published_on"}
            where = date_where if dates_only else f"line {report.line}"
            raise CommandError(
                f"{page.path}, {where}: “{report.headline[:40]}”: {describe(Article, error)}"
            ) from None
        for byline in report.bylines:
            validate_byline(page, report, byline)


def validate_byline(page, report, byline):
    try:
        Reporter(name=byline.name).full_clean(exclude=["slug"], validate_unique=False)
        Byline(role=byline.role, agency=byline.agency).full_clean(
            exclude=["article", "reporter"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        model = Reporter if "name" in error.message_dict else Byline
        raise CommandError(
            f"{page.path}, line {report.byline_line}: the byline “{byline.name[:20]}…” of "
            f"“{report.headline[:40]}”: {describe(model, error)}"
        ) from None


def describe(model, error):
    """'引题：请确保此值不超过 200 个字符（目前为 300 个字符）。' for a ValidationError."""
    parts = []
    for name, messages in error.message_dict.items():
        label = model._meta.get_field(name).verbose_name if name != "__all__" else ""
        parts.append(f"{label}：{' '.join(messages)}" if label else " ".join(messages))
    return "；".join(parts)
