import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from articles.importer import PageFormatError, detect_regions, parse_page
from articles.models import Article, Byline, Region, Reporter


class Command(BaseCommand):
    help = (
        "Import one newspaper page in the archive's text format. All of it is written in one "
        "transaction or none of it is; importing the same page again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The page, a UTF-8 text file (see articles/importer.py).")
        parser.add_argument(
            "--date",
            required=True,
            type=datetime.date.fromisoformat,
            help="Publication date, YYYY-MM-DD.",
        )
        parser.add_argument(
            "--estimated",
            action="store_true",
            help="The page carries no date and --date is the editors' estimate.",
        )
        parser.add_argument(
            "--note", default="", help="Editorial note kept on every story, e.g. why the date."
        )
        parser.add_argument(
            "--source",
            help="Name of the page in the archive; defaults to the file name without extension.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        source = options["source"] or path.stem
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            raise CommandError(f"{path}, line {line}: not valid UTF-8 text") from None
        try:
            reports = parse_page(text, source=str(path))
        except PageFormatError as error:
            raise CommandError(str(error)) from None

        counts = {"created": 0, "updated": 0, "unchanged": 0}
        try:
            with transaction.atomic():
                for report in reports:
                    outcome = save_report(
                        report,
                        source=source,
                        published_on=options["date"],
                        estimated=options["estimated"],
                        note=options["note"],
                    )
                    counts[outcome] += 1
        except DatabaseError as error:
            raise CommandError(
                f"{path}, line {report.line}: the database refused the report “{report.headline}”"
                f" ({error}); nothing from this page was imported."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {len(reports)} reports, {counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )


def save_report(report, *, source, published_on, estimated, note):
    """Create or update one report; returns "created", "updated" or "unchanged".

    Districts are detected only when a story is first imported: after that they are the
    editors' to change, and a re-import must not undo their work. The same goes for tags,
    which the importer never touches.
    """
    fields = {
        "kicker": report.kicker,
        "headline": report.headline,
        "subheadline": report.subheadline,
        "dateline": report.dateline,
        "body": report.body,
        "published_on": published_on,
        "date_is_estimated": estimated,
        "editorial_note": note,
    }
    article = Article.objects.filter(source_page=source, source_position=report.position).first()
    created = article is None
    if created:
        article = Article(source_page=source, source_position=report.position)
    changed = [name for name, value in fields.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, fields[name])
    if created or changed:
        article.save()

    wanted = [(b.role, b.name) for b in report.bylines]
    current = [(b.role, b.reporter.name) for b in article.bylines.select_related("reporter")]
    if wanted != current:
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, reporter=find_reporter(name), role=role, order=order)
            for order, (role, name) in enumerate(wanted, start=1)
        )
        changed.append("bylines")

    if created:
        article.districts.set(regions_named_in(report))
        return "created"
    if changed:
        # Saved again so that anything keyed to the story (its search entry) sees the bylines.
        article.save()
        return "updated"
    return "unchanged"


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
