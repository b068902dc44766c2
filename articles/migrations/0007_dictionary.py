"""The editors' dictionary (articles/dictionary.py): its tables, the names that were hard-coded
before it (NAMES_IN_STORIES), the version row every process reads, and the editors' permission
to add, change and view entries."""

import uuid

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# The people of the seed page that the segmenter was taught in code before.
PEOPLE = [
    ("夏文星", "xia-wenxing", "湖州市委副书记、政法委书记"),
    ("王宝龙", "wang-baolong", "湖州市委政法委法学会专职副会长"),
    ("杨卫东", "yang-weidong", "南浔区委书记"),
    ("石一婷", "shi-yiting", "长兴县委书记"),
]
ACTIONS = ["add", "change", "view"]


def add_dictionary(apps, schema_editor):
    using = schema_editor.connection.alias
    DictionaryEntry = apps.get_model("articles", "DictionaryEntry")
    for name, slug, description in PEOPLE:
        DictionaryEntry.objects.using(using).get_or_create(
            name=name, defaults={"slug": slug, "kind": "person", "description": description}
        )
    apps.get_model("articles", "DictionaryVersion").objects.using(using).get_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )
    app_config = apps.get_app_config("articles")
    app_config.models_module = True  # see 0003: create_permissions() skips it otherwise
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    group = apps.get_model("auth", "Group").objects.using(using).filter(name="editors").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label="articles",
                codename__in=[f"{action}_dictionaryentry" for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_editions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="DictionaryEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="稿件里的写法，如“夏文星”。",
                        max_length=20,
                        unique=True,
                        verbose_name="名称",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("person", "人物"),
                            ("place", "地名"),
                            ("organization", "机构"),
                            ("term", "术语"),
                        ],
                        max_length=20,
                        verbose_name="类别",
                    ),
                ),
                (
                    "aliases",
                    models.TextField(
                        blank=True,
                        help_text="每行一个（也可用顿号、逗号分隔），如地区的旧称。检索别名也能找到这个词条的稿件。",
                        verbose_name="别名",
                    ),
                ),
                (
                    "description",
                    models.CharField(
                        blank=True,
                        help_text="如职务，显示在人物页上。",
                        max_length=200,
                        verbose_name="说明",
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        editable=False, max_length=60, unique=True, verbose_name="网址名"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
            ],
            options={
                "verbose_name": "词条",
                "verbose_name_plural": "词典",
                "ordering": ["kind", "slug"],
            },
        ),
        migrations.CreateModel(
            name="DictionaryVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="版本")),
            ],
            options={
                "verbose_name": "词典版本",
                "verbose_name_plural": "词典版本",
            },
        ),
        migrations.RunPython(add_dictionary, migrations.RunPython.noop),
    ]
