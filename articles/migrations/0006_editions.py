"""Editions and pages: the print structure (date → page → stories).

Every story that came from a page file (`source_page`) moves onto a Page of that date's
Edition, number unknown, keeping its id and position; the source name stays on the Page.
The story's saved versions (django-reversion) are rewritten the same way, so that an old
version can still be restored.
"""

import json

import django.core.validators
from django.contrib.auth.management import create_permissions
import django.db.models.deletion
from django.db import migrations, models

UNKNOWN_PAGE_ORDER = 999


def stories_onto_pages(apps, schema_editor):
    db = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    Edition = apps.get_model("articles", "Edition")
    Page = apps.get_model("articles", "Page")
    sources = (
        Article.objects.using(db)
        .exclude(source_page="")
        .order_by("published_on", "source_page")
        .values_list("source_page", "published_on")
        .distinct()
    )
    for source, date in sources:
        first = Article.objects.using(db).filter(source_page=source).order_by("position").first()
        edition, _ = Edition.objects.using(db).get_or_create(
            date=date,
            defaults={
                "date_is_estimated": first.date_is_estimated,
                "editorial_note": first.editorial_note,
            },
        )
        if Page.objects.using(db).filter(edition=edition, number__isnull=True).exists():
            raise RuntimeError(
                f"Two page files ({source} and another) were imported for {date}: give each "
                "a page number (Page.number) by hand before migrating."
            )
        page = Page.objects.using(db).create(edition=edition, number=None, source=source)
        Article.objects.using(db).filter(source_page=source).update(page=page)
    rewrite_versions(apps, db)


def rewrite_versions(apps, db):
    """Saved versions name source_page/source_position; restoring them needs page/position."""
    try:
        Version = apps.get_model("reversion", "Version")
        ContentType = apps.get_model("contenttypes", "ContentType")
    except LookupError:
        return
    content_type = ContentType.objects.using(db).filter(app_label="articles", model="article")
    pages = dict(
        apps.get_model("articles", "Article")
        .objects.using(db)
        .exclude(page=None)
        .values_list("pk", "page_id")
    )
    versions = Version.objects.using(db).filter(content_type__in=content_type, format="json")
    for version in versions.iterator():
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"]
        if "source_page" not in fields:
            continue
        fields.pop("source_page")
        fields["position"] = fields.pop("source_position", None)
        fields["page"] = pages.get(int(version.object_id))
        fields["page_order"] = UNKNOWN_PAGE_ORDER
        fields["import_digest"] = ""
        version.serialized_data = json.dumps(data, ensure_ascii=False)
        version.save(update_fields=["serialized_data"])


def editors_edit_editions(apps, schema_editor):
    """Editors correct editions and pages as they correct stories (and the story form's page
    field looks pages up, which needs the permission to view them)."""
    app_config = apps.get_app_config("articles")
    # Permissions are normally created after all migrations; the group needs them now.
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [f"{a}_{m}" for m in ("edition", "page") for a in ("add", "change", "view")]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_repair_tag_slugs"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.CreateModel(
            name="Edition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="日期")),
                (
                    "date_is_estimated",
                    models.BooleanField(
                        default=False,
                        help_text="版面未印日期、由编辑根据内容推定时勾选。",
                        verbose_name="日期为推定",
                    ),
                ),
                ("editorial_note", models.TextField(blank=True, verbose_name="编辑说明")),
                (
                    "is_generated",
                    models.BooleanField(
                        default=False, editable=False, verbose_name="生成的测试期次"
                    ),
                ),
            ],
            options={"verbose_name": "期次", "verbose_name_plural": "期次", "ordering": ["-date"]},
        ),
        migrations.CreateModel(
            name="Page",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "number",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="版次未详时留空。",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(998),
                        ],
                        verbose_name="版次",
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        blank=True, help_text="如“要闻”，可不填。", max_length=30, verbose_name="版名"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        blank=True,
                        help_text="导入时的版面文件名（不含扩展名）。",
                        max_length=100,
                        verbose_name="来源文件",
                    ),
                ),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pages",
                        to="articles.edition",
                        verbose_name="期次",
                    ),
                ),
            ],
            options={
                "verbose_name": "版面",
                "verbose_name_plural": "版面",
                "ordering": [
                    "-edition__date",
                    models.OrderBy(models.F("number"), nulls_last=True),
                    "id",
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="article", name="unique_position_on_source_page"),
        migrations.RemoveIndex(model_name="article", name="article_latest_idx"),
        migrations.RenameField(
            model_name="article", old_name="source_position", new_name="position"
        ),
        migrations.AlterField(
            model_name="article",
            name="position",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="在版面上的顺序，头条为 1。", null=True, verbose_name="版面位置"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="page",
            field=models.ForeignKey(
                blank=True,
                help_text="有版面时，见报日期以版面所属期次为准。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="articles",
                to="articles.page",
                verbose_name="见报版面",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="page_order",
            field=models.PositiveSmallIntegerField(
                default=UNKNOWN_PAGE_ORDER, editable=False, verbose_name="版次排序"
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="import_digest",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="导入指纹"
            ),
        ),
        migrations.AddField(
            model_name="byline",
            name="agency",
            field=models.CharField(
                blank=True,
                help_text="转载稿件的通讯社或报社，如“新华社”；本报稿件留空。",
                max_length=20,
                verbose_name="单位",
            ),
        ),
        migrations.RunPython(stories_onto_pages, migrations.RunPython.noop),
        migrations.RunPython(editors_edit_editions, migrations.RunPython.noop),
        migrations.RemoveField(model_name="article", name="source_page"),
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_on", "page_order", "position", "-id"],
                "verbose_name": "稿件",
                "verbose_name_plural": "稿件",
            },
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-published_on", "page_order", "position", "-id"],
                name="article_print_order_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("page__isnull", False)),
                fields=("page", "position"),
                name="unique_position_on_page",
            ),
        ),
        migrations.AddConstraint(
            model_name="page",
            constraint=models.UniqueConstraint(
                fields=("edition", "number"), name="unique_page_number_in_edition"
            ),
        ),
        migrations.AddConstraint(
            model_name="page",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", True)),
                fields=("edition",),
                name="one_unnumbered_page_per_edition",
            ),
        ),
        migrations.AddConstraint(
            model_name="page",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source", ""), _negated=True),
                fields=("source",),
                name="unique_page_source",
            ),
        ),
    ]
