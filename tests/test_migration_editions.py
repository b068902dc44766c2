"""Migration 0006: stories that came from a page file move onto a Page of their date's Edition,
keeping their ids (so their URLs) and positions; their saved versions follow."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0005_repair_tag_slugs")]
AFTER = [("articles", "0006_editions")]
# Applied throughout; named so that the historical models include them.
OTHERS = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets + OTHERS).apps


@pytest.mark.django_db(transaction=True)
def test_the_seed_moves_onto_one_page_with_its_ids_and_versions():
    old = migrate(BEFORE)
    Article = old.get_model("articles", "Article")
    common = {"headline": "标题", "body": "正文。", "date_is_estimated": True}
    for pk, position in [(7, 1), (9, 2)]:
        Article.objects.create(
            pk=pk,
            published_on="2021-09-30",
            editorial_note="推定。",
            source_page="000_fbd30dea7fb6adfd",
            source_position=position,
            **common,
        )
    Article.objects.create(pk=11, published_on="2021-10-01", **common)  # made in the admin
    ContentType = old.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    revision = old.get_model("reversion", "Revision").objects.create(
        date_created="2021-10-01T00:00:00Z", comment=""
    )
    fields = {"headline": "旧标题", "source_page": "000_fbd30dea7fb6adfd", "source_position": 2}
    old.get_model("reversion", "Version").objects.create(
        revision=revision,
        object_id="9",
        content_type=content_type,
        db="default",
        format="json",
        serialized_data=json.dumps([{"model": "articles.article", "pk": 9, "fields": fields}]),
        object_repr="旧标题",
    )

    new = migrate(AFTER)
    Article = new.get_model("articles", "Article")
    Page = new.get_model("articles", "Page")
    page = Page.objects.select_related("edition").get()
    assert (page.source, page.number, str(page.edition.date)) == (
        "000_fbd30dea7fb6adfd",
        None,
        "2021-09-30",
    )
    assert (page.edition.date_is_estimated, page.edition.editorial_note) == (True, "推定。")
    assert list(Article.objects.order_by("pk").values_list("pk", "page_id", "position")) == [
        (7, page.pk, 1),
        (9, page.pk, 2),
        (11, None, None),
    ]
    version = new.get_model("reversion", "Version").objects.get()
    data = json.loads(version.serialized_data)[0]["fields"]
    assert (data["page"], data["position"], "source_page" in data) == (page.pk, 2, False)
    migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
