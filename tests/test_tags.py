"""Tags as editors make them: every tag has a slug a URL can hold, no stored tag breaks a page,
the story form gives a story's tags back unchanged, and the tag admin tags stories only and keeps
every change in the stories' histories."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles.models import Article
from articles.tags import edit_string_for_tags, parse_tags, tag_url
from tests.conftest import html
from tests.test_admin import PASSWORD, admin_url, errors_of, form_data, save_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, db):
    user = User.objects.create_user("bianji", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client.force_login(user)
    return client


def write_slug_behind_the_orms_back(tag, slug):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE taggit_tag SET slug = %s WHERE id = %s", [slug, tag.pk])


# --- Slugs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["……", "·", "！？", "——", "“”"])
def test_a_tag_of_punctuation_gets_a_usable_slug(name):
    tag = Tag.objects.create(name=name)
    assert tag.slug == "tag-1"
    assert tag_url(tag) == "/tags/tag-1/"


def test_punctuation_tags_get_unique_slugs_however_they_are_made(seed):
    article = seed[1]
    article.tags.add("……")  # the story form and the importer go through here
    Tag.objects.create(name="·")
    tag = Tag(name="、、")
    tag.save()
    slugs = sorted(Tag.objects.filter(name__in=["……", "·", "、、"]).values_list("slug", flat=True))
    assert slugs == ["tag-1", "tag-2", "tag-3"]


def test_usable_slugs_are_kept_and_renaming_does_not_move_a_tag(seed):
    tag = Tag.objects.get(name="国庆")
    slug = tag.slug
    tag.name = "国庆节"
    tag.save()
    tag.refresh_from_db()
    assert tag.slug == slug == "国庆"
    assert Tag.objects.create(name="垃圾分类").slug == "垃圾分类"
    assert Tag.objects.create(name="Safe City").slug == "safe-city"


def test_a_slug_no_url_can_hold_is_replaced_on_save():
    tag = Tag.objects.create(name="斜杠", slug="a/b")
    assert tag.slug == "tag-1"


def test_the_migration_repairs_stored_slugs_and_leaves_usable_ones(seed):
    broken = Tag.objects.create(name="……")
    slashed = Tag.objects.create(name="斜杠")
    write_slug_behind_the_orms_back(broken, "")
    write_slug_behind_the_orms_back(slashed, "a/b")
    before = dict(Tag.objects.exclude(pk__in=[broken.pk, slashed.pk]).values_list("pk", "slug"))
    migration = importlib.import_module("articles.migrations.0005_repair_tag_slugs")

    class SchemaEditor:
        pass

    schema_editor = SchemaEditor()
    schema_editor.connection = connection
    migration.repair_tag_slugs(apps, schema_editor)

    assert Tag.objects.get(pk=broken.pk).slug == "tag-1"
    assert Tag.objects.get(pk=slashed.pk).slug == "tag-2"
    after = dict(Tag.objects.exclude(pk__in=[broken.pk, slashed.pk]).values_list("pk", "slug"))
    assert after == before


# --- No stored tag breaks a page --------------------------------------------------------------


@pytest.mark.parametrize("stored_slug", ["", "a/b", " "])
@pytest.mark.parametrize("url", ["/", "story", "/tags/", "/archive/2021/", "/articles/"])
def test_pages_hold_with_a_tag_whose_stored_slug_cannot_be_linked(client, seed, url, stored_slug):
    article = seed[1]
    article.tags.add("……")
    tag = Tag.objects.get(name="……")
    write_slug_behind_the_orms_back(tag, stored_slug)
    response = client.get(article.get_absolute_url() if url == "story" else url)
    page = html(response)
    if url in ("story", "/tags/"):
        assert "……" in page.get_text()
    assert not page.select(f'a[href="/tags/{stored_slug}/"]')


@pytest.mark.parametrize("url", ["/", "/tags/", "/archive/2021/", "/sitemap.xml"])
def test_pages_and_the_sitemap_link_a_punctuation_tag(client, seed, url):
    seed[1].tags.add("……")
    assert client.get(url).status_code == 200
    if url == "/tags/":
        assert html(client.get(url)).select('a[href="/tags/tag-1/"]')


def test_the_sitemap_lists_the_repaired_tag(client, seed):
    seed[1].tags.add("……")
    response = client.get("/sitemap-tags.xml")
    assert response.status_code == 200
    assert b"/tags/tag-1/" in response.content


@pytest.mark.parametrize("stored", ["", "a/b", " "])
def test_the_sitemap_holds_with_a_stored_unusable_slug(client, seed, stored):
    seed[1].tags.add("……", "政法")
    write_slug_behind_the_orms_back(Tag.objects.get(name="……"), stored)
    response = client.get("/sitemap-tags.xml")
    assert response.status_code == 200
    assert b"/tags/%E6%94%BF%E6%B3%95/" in response.content  # the others are still listed
    assert b"/tags/a/b/" not in response.content and b"/tags//" not in response.content


# --- The story form's tag string ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, names",
    [
        ("国庆，旅游、古镇", ["古镇", "国庆", "旅游"]),
        ("国庆, 旅游", ["国庆", "旅游"]),
        ("国庆 旅游", ["国庆", "旅游"]),
        ('"平安、法治", 国庆', ["国庆", "平安、法治"]),
        ('"他说""好"" 吧"', ['他说"好" 吧']),
        ('"a b" c d', ["a b", "c", "d"]),
        ("国庆，国庆，，", ["国庆"]),
        ('"未闭合的引号', ["未闭合的引号"]),
        ("", []),
        ("  ", []),
    ],
)
def test_parse_tags(typed, names):
    assert parse_tags(typed) == names


@pytest.mark.parametrize(
    "names",
    [
        ["平安、法治", "国庆"],
        ['他说"好" 吧', "安保维稳"],
        ["a, b", "c"],
        ["Safe City", "平安，湖州", '"', "tab\there"],
        ["……", "·"],
    ],
)
def test_the_edit_string_parses_back_to_the_same_names(names):
    tags = [Tag(name=name) for name in names]
    assert parse_tags(edit_string_for_tags(tags)) == sorted(names)


def test_saving_a_story_unchanged_keeps_its_tags(editor_client, seed):
    article = seed[1]
    article.tags.add("平安、法治", '他说"好" 吧', "Safe City", "……")
    before = sorted(t.name for t in article.tags.all())
    response = save_article(editor_client, article)
    assert response.status_code == 302, errors_of(response)
    assert sorted(t.name for t in Article.objects.get(pk=article.pk).tags.all()) == before
    assert Tag.objects.filter(name__in=["平安", "法治"]).count() == 0


# --- The tag admin --------------------------------------------------------------------------


def test_a_tag_added_in_the_admin_gets_a_slug_from_its_name(editor_client):
    response = editor_client.post(admin_url("taggit_tag_add"), {"name": "……", **empty_inline()})
    assert response.status_code == 302, errors_of(response)
    assert Tag.objects.get(name="……").slug == "tag-1"


def empty_inline(**rows):
    prefix = "taggit_taggeditem_items"
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        **rows,
    }


def test_the_tag_inline_offers_stories_only(editor_client, seed):
    tag = Tag.objects.get(name="国庆")
    user_type = ContentType.objects.get_for_model(User)
    TaggedItem.objects.create(tag=tag, content_type=user_type, object_id=1)
    page = html(editor_client.get(admin_url("taggit_tag_change", tag.pk)))
    form = page.find("form", id="tag_form")
    assert not form.select("select[name$=content_type]")
    rows = form.select("tr.form-row.has_original")
    assert len(rows) == TaggedItem.objects.filter(tag=tag, content_type__model="article").count()
    headlines = " ".join(row.get_text() for row in rows)
    assert seed[1].headline[:10] in headlines


def tag_form(client, tag):
    return form_data(client.get(admin_url("taggit_tag_change", tag.pk)), "tag_form")


def test_tagging_a_story_in_the_tag_admin_versions_the_story(editor_client, seed):
    tag = Tag.objects.create(name="新标签")
    article = seed[2]
    data = tag_form(editor_client, tag)
    prefix = "taggit_taggeditem_items"
    data[f"{prefix}-0-object_id"] = str(article.pk)
    response = editor_client.post(admin_url("taggit_tag_change", tag.pk), data)
    assert response.status_code == 302, errors_of(response)
    assert "新标签" in {t.name for t in article.tags.all()}
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2  # the original, and the story with its new tag
    latest = versions.first()
    assert latest.revision.user.username == "bianji"
    tagged = [v for v in latest.revision.version_set.all() if v.content_type.model == "taggeditem"]
    assert tag.pk in [v.field_dict["tag_id"] for v in tagged]


def test_taking_a_tag_off_a_story_in_the_tag_admin_can_be_undone(editor_client, seed):
    tag = Tag.objects.get(name="国庆")
    article = seed[1]
    data = tag_form(editor_client, tag)
    prefix = "taggit_taggeditem_items"
    row = next(
        i
        for i in range(int(data[f"{prefix}-TOTAL_FORMS"]))
        if data[f"{prefix}-{i}-object_id"] == str(article.pk)
    )
    data[f"{prefix}-{row}-DELETE"] = "on"
    response = editor_client.post(admin_url("taggit_tag_change", tag.pk), data)
    assert response.status_code == 302, errors_of(response)
    assert "国庆" not in {t.name for t in article.tags.all()}
    original = Version.objects.get_for_object(article).last()
    response = editor_client.post(admin_url("articles_article_restore", article.pk, original.pk))
    assert response.status_code == 302
    assert "国庆" in {t.name for t in article.tags.all()}


@pytest.mark.parametrize("story_id, message", [("999999", "没有编号为 999999 的稿件"), ("dup", "")])
def test_the_tag_inline_refuses_unknown_and_repeated_stories(
    editor_client, seed, story_id, message
):
    tag = Tag.objects.create(name="新标签")
    prefix = "taggit_taggeditem_items"
    rows = {f"{prefix}-0-object_id": str(seed[1].pk) if story_id == "dup" else story_id}
    if story_id == "dup":
        rows[f"{prefix}-1-object_id"] = str(seed[1].pk)
    data = {"name": "新标签", **empty_inline(**rows)}
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    response = editor_client.post(admin_url("taggit_tag_change", tag.pk), data)
    assert response.status_code == 200
    assert (message or "填了两次") in " ".join(errors_of(response))
    assert not TaggedItem.objects.filter(tag=tag).exists()


def test_merging_tags_versions_every_story_and_keeps_urls_of_the_kept_tag(editor_client, seed):
    keep = Tag.objects.get(name="国庆")
    other = Tag.objects.create(name="国庆节")
    seed[3].tags.add(other)
    seed[1].tags.add(other)  # seed 1 has both: one link goes
    selection = {"action": "merge_selected", "_selected_action": [keep.pk, other.pk]}
    confirm = editor_client.post(admin_url("taggit_tag_changelist"), selection)
    assert confirm.status_code == 200
    assert "合并标签" in confirm.content.decode()
    response = editor_client.post(
        admin_url("taggit_tag_changelist"), {**selection, "confirm": "yes", "keep": keep.pk}
    )
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=other.pk).exists()
    assert Tag.objects.get(pk=keep.pk).slug == "国庆"
    for article in (seed[1], seed[3]):
        assert "国庆" in {t.name for t in article.tags.all()}
        latest = Version.objects.get_for_object(article).first()
        assert "合并标签" in latest.revision.comment
        assert latest.revision.user.username == "bianji"


@pytest.mark.parametrize(
    "data",
    [
        {"action": "merge_selected"},
        {"action": "merge_selected", "_selected_action": []},
        {"action": "merge_selected", "_selected_action": ["abc"]},
        {"action": "merge_selected", "_selected_action": ["1"], "confirm": "yes"},
    ],
)
def test_the_merge_action_with_nothing_usable_selected_is_not_an_error(editor_client, seed, data):
    response = editor_client.post(admin_url("taggit_tag_changelist"), data)
    assert response.status_code in (200, 302)


def test_taggits_old_merge_view_is_gone(editor_client):
    response = editor_client.get("/admin/taggit/tag/merge-tags/")
    assert response.status_code in (302, 404)
