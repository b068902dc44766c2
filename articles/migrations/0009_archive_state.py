"""The archive's generation and story count (articles/generation.py), kept by triggers.

Every INSERT, UPDATE or DELETE on a table whose rows show on a public page bumps the generation
in the same transaction; inserts and deletes of stories move the story count. PostgreSQL fires
once per statement (a bulk insert of 2,000 stories is one bump, counted from the transition
table); SQLite has only row triggers, which cost microseconds each there.

A table added later that shows on public pages needs the same triggers: add its name to
WATCHED_TABLES in a new migration that calls `create_triggers` for it.
"""

import time

from django.db import migrations, models

WATCHED_TABLES = [
    "articles_article",
    "articles_byline",
    "articles_reporter",
    "articles_region",
    "articles_article_districts",
    "taggit_tag",
    "taggit_taggeditem",
    "articles_edition",
    "articles_page",
    "articles_dictionaryentry",
]
STATE = "articles_archivestate"

POSTGRESQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION articles_bump_generation() RETURNS trigger AS $$
BEGIN
    UPDATE {STATE} SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_count_inserted_stories() RETURNS trigger AS $$
BEGIN
    UPDATE {STATE} SET story_count = story_count + (SELECT count(*) FROM changed_rows)
    WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_count_deleted_stories() RETURNS trigger AS $$
BEGIN
    UPDATE {STATE} SET story_count = story_count - (SELECT count(*) FROM changed_rows)
    WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_count_truncated_stories() RETURNS trigger AS $$
BEGIN
    UPDATE {STATE} SET story_count = 0, generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

POSTGRESQL_STORY_COUNT = """
CREATE TRIGGER articles_article_inserted AFTER INSERT ON articles_article
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_inserted_stories();
CREATE TRIGGER articles_article_deleted AFTER DELETE ON articles_article
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_deleted_stories();
CREATE TRIGGER articles_article_truncated AFTER TRUNCATE ON articles_article
    FOR EACH STATEMENT EXECUTE FUNCTION articles_count_truncated_stories();
"""

SQLITE_STORY_COUNT = f"""
CREATE TRIGGER articles_article_inserted AFTER INSERT ON articles_article BEGIN
    UPDATE {STATE} SET story_count = story_count + 1 WHERE id = 1; END;
CREATE TRIGGER articles_article_deleted AFTER DELETE ON articles_article BEGIN
    UPDATE {STATE} SET story_count = story_count - 1 WHERE id = 1; END;
"""


def generation_triggers(vendor, table):
    if vendor == "postgresql":
        return [
            f"CREATE TRIGGER {table}_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_generation()"
        ]
    return [
        f"CREATE TRIGGER {table}_generation_{event.lower()} AFTER {event} ON {table} BEGIN "
        f"UPDATE {STATE} SET generation = generation + 1 WHERE id = 1; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def create_triggers(apps, schema_editor, tables=WATCHED_TABLES):
    connection = schema_editor.connection
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTIONS)
        schema_editor.execute(POSTGRESQL_STORY_COUNT)
    else:
        for statement in SQLITE_STORY_COUNT.split("END;")[:-1]:
            schema_editor.execute(statement + "END")
    for table in tables:
        for statement in generation_triggers(vendor, table):
            schema_editor.execute(statement)
    ArchiveState = apps.get_model("articles", "ArchiveState")
    Article = apps.get_model("articles", "Article")
    ArchiveState.objects.using(connection.alias).create(
        pk=1,
        generation=time.time_ns() // 1000,
        story_count=Article.objects.using(connection.alias).count(),
    )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for table in WATCHED_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_generation ON {table}")
        for name in ("inserted", "deleted", "truncated"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS articles_article_{name} ON articles_article"
            )
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS articles_bump_generation(), "
            "articles_count_inserted_stories(), articles_count_deleted_stories(), "
            "articles_count_truncated_stories()"
        )
    elif connection.vendor == "sqlite":
        names = ["articles_article_inserted", "articles_article_deleted"] + [
            f"{table}_generation_{event}"
            for table in WATCHED_TABLES
            for event in ("insert", "update", "delete")
        ]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_slug_redirect_sitemap_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchiveState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("generation", models.BigIntegerField(default=0, verbose_name="版本号")),
                ("story_count", models.BigIntegerField(default=0, verbose_name="稿件数")),
            ],
            options={"verbose_name": "档案版本", "verbose_name_plural": "档案版本"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
