"""PostgreSQL's search index also holds each story's id stride, the largest power of two that
divides its id (`id & -id`, written exactly as facets.IdStride writes it, so that the planner
matches the two). A search's facets count the matches on a grid of ids (the multiples of a
power of two): with this, the index finds them by itself, and no story's search vector (stored
out of line, kilobytes each) is read to test the match. The index replaces the one on the
search vector alone (migration 0004), which it serves as well: one GIN index to keep up to
date, not two. `btree_gin` (shipped with PostgreSQL, trusted: a database owner may create it)
lets a GIN index hold the integer. SQLite is left as it is: its search is FTS5. (Not Django's
BtreeGinExtension operation: unapplied, it asks SQLite for PostgreSQL's catalogue.)"""

from django.db import migrations

CREATE = (
    "CREATE INDEX article_search_idx ON articles_article USING gin (search_vector, (id & -id))"
)
CREATE_OLD = "CREATE INDEX article_search_vector_idx ON articles_article USING gin (search_vector)"


def replace_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(CREATE)
        schema_editor.execute("DROP INDEX IF EXISTS article_search_vector_idx")


def restore_index(apps, schema_editor):
    # The extension stays: something else in the database may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_OLD)
        schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_story_dates_index"),
    ]

    operations = [
        migrations.RunPython(replace_index, restore_index),
    ]
