"""The editors' dictionary: names the segmenter learns in every process, aliases that find their
entry's stories, stories reindexed when an entry changes; on SQLite and PostgreSQL alike."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles import search
from articles.models import Article, DictionaryEntry, DictionaryVersion
from articles.search import lexicon

from .conftest import forget_pages, html, planner_queries, text_of

pytestmark = pytest.mark.django_db


def found(query):
    return sorted(article.position for article in Article.objects.search(query))


def test_the_names_once_in_code_are_entries():
    people = DictionaryEntry.objects.people().values_list("name", "slug")
    assert dict(people) == {
        "夏文星": "xia-wenxing",
        "王宝龙": "wang-baolong",
        "杨卫东": "yang-weidong",
        "石一婷": "shi-yiting",
    }
    assert search.parse_query("夏文星").words == ("夏文星",)


def test_a_new_entry_is_learned_and_its_stories_reindexed_on_commit(
    seed, django_capture_on_commit_callbacks
):
    assert search.parse_query("平安南太湖").words == ("平安", "南太湖")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        DictionaryEntry.objects.create(name="平安南太湖", kind="term")
        assert search.parse_query("平安南太湖").words == ("平安南太湖",)
        assert found("平安南太湖") == []  # the stories still hold 平安 / 南太湖 until the commit
    assert len(callbacks) == 1
    assert found("平安南太湖") == [3]


def test_a_name_saved_by_another_process_is_learned_from_the_database(seed):
    search.parse_query("湖州")  # this process has loaded the names
    # Another process adds an entry: its row and a new version token, nothing in this process.
    DictionaryEntry.objects.bulk_create([DictionaryEntry(name="林文星", kind="person", slug="z")])
    assert search.parse_query("林文星").words == ("林", "文星")
    DictionaryVersion.bump()
    assert search.parse_query("林文星").words == ("林文星",)


def test_a_reader_s_page_reads_the_dictionary_s_version_with_the_archive_s_state(client, seed):
    client.get("/search/", {"q": "湖州"})  # this process has loaded the names
    DictionaryEntry.objects.bulk_create([DictionaryEntry(name="林文星", kind="person", slug="z")])
    DictionaryVersion.bump()  # as another process would
    with CaptureQueriesContext(connection) as queries:
        page = html(client.get("/search/", {"q": "林文星"}))
    asked = [q["sql"] for q in queries if "articles_dictionaryversion" in q["sql"]]
    assert len(asked) == 1 and "articles_archivestate" in asked[0]  # one query for both
    assert page.select_one("#search-q")["value"] == "林文星"
    learned = lexicon.current()  # by that page, not asked again here
    assert learned.version == DictionaryVersion.objects.get().token
    assert "林文星" in learned.words


def test_a_deleted_entry_is_forgotten(seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryEntry.objects.get(name="王宝龙").delete()
    assert search.parse_query("王宝龙").words != ("王宝龙",)
    assert found("王宝龙") == [3]  # reindexed as 王 / 宝龙: the phrase still finds it


# (entry, aliases, query, the stories it finds)
ALIASES = [
    ("南太湖新区", "南太湖产业集聚区", "南太湖产业集聚区", [1]),  # the alias finds the name
    ("夏文星", "夏书记", "夏书记", [1, 2]),
    ("夏文星", "夏书记", "夏书记 国庆", [1]),
    ("反邪教", "反对邪教", '"反对邪教"', [3]),
]


@pytest.mark.parametrize("name, aliases, query, expected", ALIASES)
def test_an_alias_finds_the_entry_stories(
    seed, django_capture_on_commit_callbacks, name, aliases, query, expected
):
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryEntry.objects.update_or_create(
            name=name, defaults={"kind": "term", "aliases": aliases}
        )
    assert found(query) == expected


def test_a_story_printing_an_alias_is_found_by_the_name(seed, django_capture_on_commit_callbacks):
    story = seed[4]
    story.body += "\n\n吴兴县的老同志也参加了座谈。"
    story.save()
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryEntry.objects.create(name="吴兴区", kind="place", aliases="吴兴县")
    assert found("吴兴区") == [1, 4]
    assert found("吴兴县") == [1, 4]


def test_an_alias_is_highlighted_as_the_name(seed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        DictionaryEntry.objects.filter(name="夏文星").update(aliases="夏书记")
        DictionaryVersion.bump()
    assert search.highlight("夏文星在会上讲话", "夏书记") == "<mark>夏文星</mark>在会上讲话"


def test_renaming_an_entry_reindexes_the_stories_of_its_old_name(
    seed, django_capture_on_commit_callbacks
):
    entry = DictionaryEntry.objects.get(name="石一婷")
    with django_capture_on_commit_callbacks(execute=True):
        entry.aliases = "石书记"
        entry.save()
    assert found("石书记") == [1]


@pytest.mark.parametrize(
    "name, aliases, field",
    [
        ("夏", "", "name"),
        ("夏 文星", "", "name"),
        ("<b>", "", "name"),
        ("夏文星", "夏,<i>", "aliases"),
    ],
)
def test_unlearnable_names_are_refused_in_chinese(name, aliases, field):
    entry = DictionaryEntry(name=name, kind="person", aliases=aliases)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert field in error.value.message_dict


def test_aliases_are_split_on_lines_and_commas():
    entry = DictionaryEntry(name="吴兴区", aliases="吴兴县\n湖州县、 吴兴县，乌程")
    assert entry.alias_list() == ["吴兴县", "湖州县", "乌程"]


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    user = User.objects.create_user("bianji", password="x-湖州-2021", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client.force_login(user)
    return client


def test_editors_add_an_entry_in_the_admin_and_it_is_versioned(
    editor_client, seed, django_capture_on_commit_callbacks
):
    url = reverse("admin:articles_dictionaryentry_add")
    assert "名称" in text_of(html(editor_client.get(url)).select_one("form#dictionaryentry_form"))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url, {"name": "平安南太湖", "kind": "term", "aliases": "", "description": ""}
        )
    assert response.status_code == 302
    entry = DictionaryEntry.objects.get(name="平安南太湖")
    assert entry.slug == "ping-an-nan-tai-hu"
    assert Version.objects.get_for_object(entry).count() == 1
    assert found("平安南太湖") == [3]
    changelist = html(editor_client.get(reverse("admin:articles_dictionaryentry_changelist")))
    assert "平安南太湖" in text_of(changelist.select_one("#result_list"))


def test_editors_may_not_delete_entries(editor_client):
    entry = DictionaryEntry.objects.get(name="夏文星")
    url = reverse("admin:articles_dictionaryentry_delete", args=[entry.pk])
    assert editor_client.get(url).status_code == 403


def test_the_admin_story_search_ranks_like_the_site(editor_client, seed):
    url = reverse("admin:articles_article_changelist")
    page = html(editor_client.get(url, {"q": "政法委"}))
    headlines = [text_of(td) for td in page.select("#result_list .field-headline")]
    ranked = [article.headline for article in Article.objects.search("政法委")]
    assert headlines[0] == seed[3].headline == ranked[0]
    # A column the editor sorts by wins over relevance.
    page = html(editor_client.get(url, {"q": "政法委", "o": "-2"}))
    assert len(page.select("#result_list .field-headline")) == 4


def test_dictionary_version_row_exists():
    assert DictionaryVersion.objects.filter(pk=1).exists()
    assert connection.vendor in ("sqlite", "postgresql")


# --- People pages ----------------------------------------------------------------------------


def card_positions(response, seed):
    by_url = {article.get_absolute_url(): position for position, article in seed.items()}
    main = html(response).select_one("main#main")
    return [by_url[a["href"]] for a in main.select("article.card h2 a")]


def test_a_person_page_lists_the_stories_naming_them(
    client, seed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = DictionaryEntry.objects.get(name="夏文星")
        entry.aliases = "夏书记"
        entry.save()
    response = client.get("/people/xia-wenxing/")
    page = html(response)
    main = page.select_one("main#main")
    assert text_of(main.select_one("h1")) == "夏文星"
    assert "湖州市委副书记、政法委书记" in text_of(main)
    assert "又称 夏书记" in text_of(main)
    assert "2 篇" in text_of(main.select_one(".listing__count"))
    assert sorted(card_positions(response, seed)) == [1, 2]
    assert {mark.get_text() for mark in main.select(".card__snippet mark")} == {"夏文星"}
    assert page.select_one("title").get_text().startswith("夏文星")


def test_a_person_page_runs_a_fixed_number_of_queries(client, seed, django_assert_num_queries):
    # The generation (read with the dictionary's version), the person, the count, the
    # stories, their cards' bylines, districts and tags; the sidebar is cached.
    client.get("/people/wang-baolong/")
    forget_pages()
    with django_assert_num_queries(5 + planner_queries(1)):
        client.get("/people/wang-baolong/")


@pytest.mark.parametrize("url", ["/people/nobody/", "/people/xia-wenxing/?page=9"])
def test_unknown_people_and_pages_are_404(client, seed, url):
    assert client.get(url).status_code == 404


def test_only_people_have_pages(client, seed):
    place = DictionaryEntry.objects.create(name="南太湖新区", kind="place")
    assert client.get(f"/people/{place.slug}/").status_code == 404
    assert place.get_absolute_url() == "/search/?q=%E5%8D%97%E5%A4%AA%E6%B9%96%E6%96%B0%E5%8C%BA"


def test_a_story_links_the_people_it_names(client, seed, django_assert_num_queries):
    page = html(client.get(seed[1].get_absolute_url()))
    people = page.select_one(".story__people")
    assert [a.get_text() for a in people.select("a")] == ["夏文星", "杨卫东", "石一婷"]
    assert people.select_one("a[href='/people/xia-wenxing/']")
    assert people.find_parent("h1") is None and len(page.select("h1")) == 1
    assert html(client.get(seed[4].get_absolute_url())).select_one(".story__people") is None
    # The generation, the story, its bylines, districts and tags (one query), the stories of
    # its page (for the two beside it), and one query for the people, however many the
    # dictionary holds.
    forget_pages()
    with django_assert_num_queries(5):
        client.get(seed[1].get_absolute_url())
