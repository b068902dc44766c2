"""The archive's counts generation (articles/generation.py), kept by triggers.

It moves in the same transaction as any change that can change a count of stories per
reporter, district, tag, period or printed page: rows added to, changed in or deleted from the
tables of bylines, districts, tags, reporters, regions, editions and pages; stories added or
deleted; a story's date or page changed. A story whose text alone changed leaves it alone.
PostgreSQL fires once per statement and compares a story's old and new rows in transition
tables; SQLite's row triggers say the same with WHEN.
"""

import time

from django.db import migrations, models

MEMBERSHIP_TABLES = [
    "articles_byline",
    "articles_reporter",
    "articles_region",
    "articles_article_districts",
    "taggit_tag",
    "taggit_taggeditem",
    "articles_edition",
    "articles_page",
]
STATE = "articles_archivestate"
BUMP = f"UPDATE {STATE} SET counts_generation = counts_generation + 1 WHERE id = 1"
# A story's columns that place it in a count: its period and its printed page.
PLACING_COLUMNS = ("published_on", "page_id")

POSTGRESQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION articles_bump_counts_generation() RETURNS trigger AS $$
BEGIN
    {BUMP};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION articles_bump_counts_if_placed() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows JOIN new_rows USING (id)
        WHERE {" OR ".join(f"old_rows.{c} IS DISTINCT FROM new_rows.{c}" for c in PLACING_COLUMNS)}
    ) THEN
        {BUMP};
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

POSTGRESQL_STORY_TRIGGERS = """
CREATE TRIGGER articles_article_counts AFTER INSERT OR DELETE OR TRUNCATE ON articles_article
    FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_counts_generation();
CREATE TRIGGER articles_article_counts_placed AFTER UPDATE ON articles_article
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_counts_if_placed();
"""


def sqlite_triggers(table):
    triggers = [
        f"CREATE TRIGGER {table}_counts_{event.lower()} AFTER {event} ON {table} "
        f"BEGIN {BUMP}; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]
    if table == "articles_article":
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PLACING_COLUMNS)
        triggers[1] = (
            f"CREATE TRIGGER {table}_counts_update AFTER UPDATE ON {table} "
            f"WHEN {changed} BEGIN {BUMP}; END"
        )
    return triggers


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTIONS)
        schema_editor.execute(POSTGRESQL_STORY_TRIGGERS)
        for table in MEMBERSHIP_TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_counts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION articles_bump_counts_generation()"
            )
    elif connection.vendor == "sqlite":
        for table in ["articles_article", *MEMBERSHIP_TABLES]:
            for statement in sqlite_triggers(table):
                schema_editor.execute(statement)
    # Above any number that can have labelled a cached count before.
    apps.get_model("articles", "ArchiveState").objects.using(connection.alias).update(
        counts_generation=time.time_ns() // 1000
    )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    tables = ["articles_article", *MEMBERSHIP_TABLES]
    if connection.vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_counts ON {table}")
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS articles_article_counts_placed ON articles_article"
        )
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS articles_bump_counts_generation(), "
            "articles_bump_counts_if_placed()"
        )
    elif connection.vendor == "sqlite":
        for table in tables:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_counts_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_sitemap_lastmod_indexes"),
    ]

    operations = [
        # ALTER TABLE, not the rebuild of the table Django's SQLite backend would do for a
        # column with a default: 0009's triggers name this table, and SQLite refuses to drop
        # a table that triggers still name.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {STATE} ADD COLUMN counts_generation bigint NOT NULL DEFAULT 0",
                    f"ALTER TABLE {STATE} DROP COLUMN counts_generation",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="archivestate",
                    name="counts_generation",
                    field=models.BigIntegerField(default=0, verbose_name="计数版本号"),
                )
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
