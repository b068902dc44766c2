"""The full-text search index (see the articles.search package), on whichever database this is.

PostgreSQL: the `search_vector` column and a GIN index on it. SQLite: the column exists but stays
empty; the index is the FTS5 table `articles_search`. Stories already in the database are
indexed here, through the historical models.
"""

import django.contrib.postgres.search
from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, subtitle, people, body, chars, tokenize = 'unicode61 remove_diacritics 0')"
)


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX article_search_vector_idx ON articles_article USING gin (search_vector)"
        )
    elif connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    else:
        return
    from articles.search import index_articles

    Article = apps.get_model("articles", "Article")
    ids = Article.objects.using(connection.alias).order_by("pk").values_list("pk", flat=True)
    index_articles(list(ids), using=connection.alias, apps=apps)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector_idx")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editors_group"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="检索向量"
            ),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
