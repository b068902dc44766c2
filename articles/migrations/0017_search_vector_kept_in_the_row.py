"""A story's search vector kept in its row, on PostgreSQL (issue 10).

A search reads the vectors of the stories it tests and ranks: the newest matches of a common
word or phrase, walked in date order and each tested, and the 500 candidates, each ranked. A
vector is 3 KB on average at 100,000 generated stories, and PostgreSQL moved it out of line
(into the table's TOAST table) as it does the largest value of any row over 2 KB, so that
each story tested or ranked cost three or four more page reads. With the vector's storage
MAIN, PostgreSQL moves the body out of line instead (a search reads 20 bodies, for the
snippets) and keeps the vector in the row unless the row would not fit in a page. Measured at
100,004 stories, warm: ranking 500 candidates 6.5–14 → 3.2 ms; walking the newest 501 matches
of 排查 (28% of the stories) 13.5 → 7.3 ms, of 湖州 (98%) 5.9 → 1.4 ms.

Only vectors written from now on are laid out so. For the others, `manage.py
rebuild_search_index` writes every vector again while readers are served, or `VACUUM FULL
articles_article` rewrites the table at once (40 s at 100,000 stories, the table locked
meanwhile); see the README. SQLite needs nothing.
"""

from django.db import migrations


def set_storage(storage):
    def alter(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE {storage}"
            )

    return alter


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_recency_rum_indexes"),
    ]

    operations = [
        migrations.RunPython(set_storage("MAIN"), set_storage("EXTENDED")),
    ]
