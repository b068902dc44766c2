"""`manage.py import_page`: one transaction, idempotent, clear errors that name the line."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Byline, Reporter
from tests.conftest import SEED_PAGE

pytestmark = pytest.mark.django_db

NOTE = "推定日期的理由。"


def import_page(path, *extra):
    call_command(
        "import_page",
        str(path),
        "--date",
        "2021-09-30",
        "--estimated",
        "--note",
        NOTE,
        *extra,
        verbosity=0,
    )


def test_importing_the_seed_writes_four_stories_with_their_bylines_and_districts(db):
    import_page(SEED_PAGE)
    articles = Article.objects.order_by("source_position")
    assert [a.source_position for a in articles] == [1, 2, 3, 4]
    assert {a.source_page for a in articles} == {"000_fbd30dea7fb6adfd"}
    assert Reporter.objects.count() == 3
    assert [
        (b.get_role_display(), b.reporter.name)
        for b in articles[0].bylines.select_related("reporter")
    ] == [("本报记者", "徐冬梅"), ("见习记者", "曹凯琳"), ("通讯员", "高飞")]
    assert articles[0].districts.count() == 6
    assert [list(a.districts.values_list("name", flat=True)) for a in articles[1:]] == [
        ["湖州市"]
    ] * 3
    assert all(a.date_is_estimated and a.editorial_note == NOTE for a in articles)


def test_importing_twice_changes_nothing(db):
    import_page(SEED_PAGE)
    before = list(Article.objects.values_list("pk", "updated_at", "body"))
    bylines = list(Byline.objects.values_list("pk", "reporter_id", "role", "order"))
    import_page(SEED_PAGE)
    assert list(Article.objects.values_list("pk", "updated_at", "body")) == before
    assert list(Byline.objects.values_list("pk", "reporter_id", "role", "order")) == bylines
    assert Reporter.objects.count() == 3


def test_a_reimport_keeps_the_editors_districts_and_tags(db):
    import_page(SEED_PAGE)
    article = Article.objects.get(source_position=2)
    article.districts.clear()
    article.tags.add("执行难")
    import_page(SEED_PAGE)
    assert article.districts.count() == 0
    assert list(article.tags.names()) == ["执行难"]


def test_a_corrected_page_updates_the_story_in_place(db, tmp_path):
    import_page(SEED_PAGE)
    corrected = tmp_path / "000_fbd30dea7fb6adfd.txt"
    corrected.write_text(
        SEED_PAGE.read_text(encoding="utf-8").replace(
            "通讯员 高飞\n\n本报讯", "记者 高飞\n\n本报讯"
        ),
        encoding="utf-8",
    )
    import_page(corrected)
    article = Article.objects.get(source_position=2)
    assert [b.role for b in article.bylines.all()] == ["reporter"]
    assert Article.objects.count() == 4


def test_a_malformed_page_names_the_file_and_line_and_writes_nothing(db, tmp_path):
    broken = tmp_path / "broken.txt"
    text = SEED_PAGE.read_text(encoding="utf-8")
    # Report 3's byline is lost: its headline is followed straight by body text.
    broken.write_text(
        text.replace("见习记者 曹凯琳\n\n本报讯 近日,走进", "本报讯 近日,走进"), "utf-8"
    )
    with pytest.raises(CommandError) as error:
        import_page(broken)
    assert str(error.value).startswith(f"{broken}, line 57: expected the byline of")
    assert Article.objects.count() == 0
    assert Reporter.objects.count() == 0


def test_a_file_that_is_not_utf8_names_the_line(db, tmp_path):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("## 标题\n\n通讯员 高飞\n\n".encode() + "正文。".encode("gbk"))
    with pytest.raises(CommandError, match=r"gbk\.txt, line 5: not valid UTF-8"):
        import_page(bad)
    assert Article.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_page(tmp_path / "nope.txt")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite does not enforce column lengths"
)
def test_a_page_is_all_or_nothing_when_the_database_refuses_part(db, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(
        "## 第一篇\n通讯员 高飞\n正文。\n\n## 第二篇\n通讯员 " + "名" * 60 + "\n正文。\n",
        encoding="utf-8",
    )
    # The second byline's 60-character name overflows Reporter.name (50): the first story,
    # already written, must go too.
    with pytest.raises(CommandError, match=r"page\.txt, line 5: the database refused"):
        import_page(page)
    assert Article.objects.count() == 0
    assert Reporter.objects.count() == 0
