"""`manage.py import_page`: one transaction, idempotent, clear errors that name the line,
editions and pages, and editors' work never undone silently."""

import pytest
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles.models import Article, Byline, Edition, Page, Reporter
from tests.conftest import SEED_PAGE

pytestmark = pytest.mark.django_db

NOTE = "推定日期的理由。"

# A whole page of an ordinary daily, in every form the importer reads.
WHOLE_PAGE = """日期: 2021-10-12
版次: 3
版名: 要闻

## 全市召开会议
# 南浔区推进平安建设
## 多部门联动 排查风险隐患
本报记者 王琳 通讯员 吴宣
张华 摄

本报讯 近日,南浔区召开会议。

### 小标题

会议要求,各部门要落实

责任。

# 简讯

本报讯 吴兴区开展消防演练。

# 德清县开展普法宣传

本报讯(记者 陈静 见习记者 刘洋) 近日,德清县开展普法宣传。

# 全省数字化改革推进会召开

新华社杭州10月11日电（新华社记者 李明 人民日报记者 王强）全省数字化改革推进会11日召开。

# 国务院印发通知

据新华社电 国务院近日印发通知。
"""


def import_page(*paths, date="2021-09-30", extra=()):
    args = [str(path) for path in paths]
    if date:
        args += ["--date", date]
    call_command("import_page", *args, *extra, verbosity=0)


def import_seed(*extra):
    import_page(SEED_PAGE, extra=("--estimated", "--note", NOTE, *extra))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_importing_the_seed_writes_four_stories_on_a_page_of_unknown_number(db):
    import_seed()
    articles = Article.objects.order_by("position").select_related("page__edition")
    assert [a.position for a in articles] == [1, 2, 3, 4]
    page = articles[0].page
    assert {a.page_id for a in articles} == {page.pk}
    assert (page.source, page.number, page.edition.date.isoformat()) == (
        "000_fbd30dea7fb6adfd",
        None,
        "2021-09-30",
    )
    assert page.edition.date_is_estimated and page.edition.editorial_note == NOTE
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
    import_seed()
    before = list(Article.objects.values_list("pk", "updated_at", "body"))
    bylines = list(Byline.objects.values_list("pk", "reporter_id", "role", "order"))
    versions = Version.objects.count()
    import_seed()
    assert list(Article.objects.values_list("pk", "updated_at", "body")) == before
    assert list(Byline.objects.values_list("pk", "reporter_id", "role", "order")) == bylines
    assert (Reporter.objects.count(), Page.objects.count(), Version.objects.count()) == (
        3,
        1,
        versions,
    )


def test_importing_over_the_loaded_seed_changes_nothing(seed):
    before = list(Article.objects.values_list("pk", "updated_at", "page_id", "position"))
    import_seed()
    assert list(Article.objects.values_list("pk", "updated_at", "page_id", "position")) == before
    assert Page.objects.count() == 1


def test_a_reimport_keeps_the_editors_districts_and_tags(db):
    import_seed()
    article = Article.objects.get(position=2)
    article.districts.clear()
    article.tags.add("执行难")
    import_seed()
    assert article.districts.count() == 0
    assert list(article.tags.names()) == ["执行难"]


def corrected_seed(tmp_path):
    text = SEED_PAGE.read_text(encoding="utf-8")
    return write(
        tmp_path,
        SEED_PAGE.name,
        text.replace("通讯员 高飞\n\n本报讯", "记者 高飞\n\n本报讯"),
    )


def test_a_corrected_page_updates_the_story_in_place_as_a_new_version(db, tmp_path):
    import_seed()
    import_page(corrected_seed(tmp_path), extra=("--estimated",))
    article = Article.objects.get(position=2)
    assert [b.role for b in article.bylines.all()] == ["reporter"]
    assert Article.objects.count() == 4
    comments = [
        v.revision.comment
        for v in Version.objects.get_for_object(article).select_related("revision")
    ]
    assert comments == [
        "导入版面 000_fbd30dea7fb6adfd.txt：更新。",
        "导入版面 000_fbd30dea7fb6adfd.txt。",
    ]


def test_a_story_edited_since_its_import_is_skipped_and_reported(db, tmp_path, capsys):
    import_seed()
    article = Article.objects.get(position=2)
    article.headline = "编辑改过的标题"
    article.save()
    call_command("import_page", str(corrected_seed(tmp_path)), "--date", "2021-09-30")
    out = capsys.readouterr().out
    assert "0 updated, 3 unchanged, 1 skipped" in out
    assert "skipped: edited since import: line 39 “数字赋能打破壁垒" in out
    article.refresh_from_db()
    assert article.headline == "编辑改过的标题"
    assert [b.role for b in article.bylines.all()] == ["correspondent"]


def test_overwrite_replaces_the_editors_version_and_keeps_it_in_the_history(db, tmp_path):
    import_seed()
    article = Article.objects.get(position=2)
    article.headline = "编辑改过的标题"
    article.save()
    import_page(corrected_seed(tmp_path), extra=("--overwrite",))
    article.refresh_from_db()
    assert article.headline.startswith("数字赋能打破壁垒")
    assert [b.role for b in article.bylines.all()] == ["reporter"]
    versions = list(Version.objects.get_for_object(article).select_related("revision"))
    assert [v.revision.comment for v in versions] == [
        "导入版面 000_fbd30dea7fb6adfd.txt：更新。",
        "导入覆盖前的编辑版本。",
        "导入版面 000_fbd30dea7fb6adfd.txt。",
    ]
    assert versions[1].field_dict["headline"] == "编辑改过的标题"


def test_an_edited_story_kept_by_keep_original_is_restorable(db, tmp_path):
    call_command("loaddata", "seed_reports", verbosity=0)
    article = Article.objects.get(position=2)
    import_page(corrected_seed(tmp_path), extra=("--estimated", "--note", NOTE))
    # The fixture's stories had no version: the import kept the original before changing it.
    versions = Version.objects.get_for_object(article).select_related("revision")
    assert [v.revision.comment for v in versions] == [
        "导入版面 000_fbd30dea7fb6adfd.txt：更新。",
        "修改前的原始版本。",
    ]
    assert versions[1].field_dict["headline"] == article.headline


def test_a_malformed_page_names_the_file_and_line_and_writes_nothing(db, tmp_path):
    text = SEED_PAGE.read_text(encoding="utf-8")
    broken = write(tmp_path, "broken.txt", text.replace("### 责任到人", "#### 责任到人"))
    with pytest.raises(CommandError) as error:
        import_page(broken)
    assert str(error.value).startswith(f"{broken}, line ")
    assert "unknown heading level" in str(error.value)
    assert (Article.objects.count(), Reporter.objects.count(), Edition.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_file_that_is_not_utf8_names_the_line(db, tmp_path):
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("## 标题\n\n通讯员 高飞\n\n".encode() + "正文。".encode("gbk"))
    with pytest.raises(CommandError, match=r"gbk\.txt, line 5: not valid UTF-8"):
        import_page(bad)
    assert Article.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        import_page(tmp_path / "nope.txt")


def test_a_page_without_any_date_is_refused(db, tmp_path):
    page = write(tmp_path, "page.txt", "## 标题\n正文。\n")
    with pytest.raises(CommandError, match=r"page\.txt: no date: give --date"):
        import_page(page, date=None)


# --- The model's validation runs on import (issue 9) -----------------------------------------


@pytest.mark.parametrize(
    "text, date, message",
    [
        (
            "## 引题" + "长" * 300 + "\n# 主题\n通讯员 高飞\n正文。\n",
            "2021-09-30",
            r"page\.txt, line 1: “主题”: 引题：.*200",
        ),
        (
            "## 第一篇\n通讯员 高飞\n正文。\n\n## 第二篇\n通讯员 " + "名" * 80 + "\n正文。\n",
            "2021-09-30",
            r"page\.txt, line 6: the byline “名+…” of “第二篇”: 姓名：.*50",
        ),
        (
            "## 标题\n通讯员 高飞\n正文。\n",
            "2099-01-01",
            r"page\.txt, the --date option: .*见报日期",
        ),
        (
            "## 标题\n通讯员 高飞\n正文。\n",
            "1021-09-30",  # a typo for 2021: before any Chinese newspaper
            r"page\.txt, the --date option: .*见报日期不能早于 1850-01-01",
        ),
        (
            "日期: 2099-01-01\n## 标题\n通讯员 高飞\n正文。\n",
            None,
            r"page\.txt, line 1: “标题”: 见报日期：见报日期不能晚于今天",
        ),
        ("版名: " + "名" * 40 + "\n## 标题\n正文。\n", "2021-09-30", r"page\.txt, line 1: 版名："),
    ],
)
def test_what_the_model_refuses_is_refused_naming_the_line(db, tmp_path, text, date, message):
    page = write(tmp_path, "page.txt", text)
    with pytest.raises(CommandError, match=message):
        import_page(page, date=date)
    assert (Article.objects.count(), Reporter.objects.count(), Page.objects.count()) == (0, 0, 0)


def test_several_pages_are_all_or_nothing_when_a_later_one_cannot_be_written(db, tmp_path):
    import_page(write(tmp_path, "a.txt", "# 已有的二版\n正文。\n"), extra=("--page", "2"))
    first = write(tmp_path, "b.txt", "# 一版\n正文。\n")
    second = write(tmp_path, "c.txt", "# 二版\n正文。\n")
    # b.txt is written as 第1版 before c.txt finds 第2版 taken: b.txt must go too.
    with pytest.raises(CommandError, match=r"c\.txt: 2021年9月30日 第2版 already holds"):
        import_page(first, second, extra=("--page", "1"))
    assert list(Article.objects.values_list("headline", flat=True)) == ["已有的二版"]
    assert Page.objects.count() == 1


# --- Editions, pages, headers and several files ----------------------------------------------


def test_a_whole_page_with_every_byline_and_dateline_form(db, tmp_path):
    import_page(write(tmp_path, "p3.txt", WHOLE_PAGE), date=None)
    page = Page.objects.select_related("edition").get()
    assert (str(page), page.get_absolute_url()) == (
        "2021年10月12日 第3版 要闻",
        "/editions/2021-10-12/3/",
    )
    stories = list(page.articles.in_print_order())
    assert [s.headline for s in stories] == [
        "南浔区推进平安建设",
        "简讯",
        "德清县开展普法宣传",
        "全省数字化改革推进会召开",
        "国务院印发通知",
    ]
    assert {s.published_on.isoformat() for s in stories} == {"2021-10-12"}
    assert {s.page_order for s in stories} == {3}
    assert (stories[0].kicker, stories[0].subheadline) == (
        "全市召开会议",
        "多部门联动 排查风险隐患",
    )
    assert stories[0].body == "近日,南浔区召开会议。\n\n### 小标题\n\n会议要求,各部门要落实责任。"
    assert [s.dateline for s in stories] == [
        "本报讯",
        "本报讯",
        "本报讯",
        "新华社杭州10月11日电",
        "据新华社电",
    ]
    bylines = [
        [str(b) for b in s.bylines.select_related("reporter").order_by("order")] for s in stories
    ]
    assert bylines == [
        ["本报记者 王琳", "通讯员 吴宣", "摄影 张华"],
        [],
        ["记者 陈静", "见习记者 刘洋"],
        ["新华社记者 李明", "人民日报记者 王强"],
        [],
    ]
    assert stories[2].body == "近日,德清县开展普法宣传。"
    assert stories[3].body == "全省数字化改革推进会11日召开。"


def test_flags_win_over_header_lines(db, tmp_path):
    path = write(tmp_path, "p3.txt", WHOLE_PAGE)
    import_page(path, date="2021-10-13", extra=("--page", "5", "--page-name", "综合"))
    page = Page.objects.select_related("edition").get()
    assert str(page) == "2021年10月13日 第5版 综合"


def test_several_files_are_consecutive_pages_in_one_transaction(db, tmp_path):
    first = write(tmp_path, "a.txt", "# 头版头条\n本报讯 开会。\n")
    second = write(tmp_path, "b.txt", "# 二版稿件\n本报讯 又开会。\n")
    import_page(first, second, date="2021-10-12", extra=("--page", "1"))
    assert [str(p) for p in Page.objects.in_print_order()] == [
        "2021年10月12日 第1版",
        "2021年10月12日 第2版",
    ]


def test_a_broken_file_among_several_writes_none_of_them(db, tmp_path):
    first = write(tmp_path, "a.txt", "# 头版头条\n本报讯 开会。\n")
    second = write(tmp_path, "b.txt", "# 二版稿件\n#### 太深\n")
    with pytest.raises(CommandError, match=r"b\.txt, line 2: unknown heading level"):
        import_page(first, second, extra=("--page", "1"))
    assert (Article.objects.count(), Page.objects.count(), Edition.objects.count()) == (0, 0, 0)


def test_several_files_of_unknown_number_are_refused(db, tmp_path):
    first = write(tmp_path, "a.txt", "# 一\n正文。\n")
    second = write(tmp_path, "b.txt", "# 二\n正文。\n")
    with pytest.raises(CommandError, match=r"b\.txt: .*a\.txt is already a page of unknown"):
        import_page(first, second)


def test_another_file_for_a_page_already_held_is_refused(db, tmp_path):
    import_page(write(tmp_path, "a.txt", "# 一\n正文。\n"), extra=("--page", "1"))
    with pytest.raises(CommandError, match=r"第1版 already holds the page imported from “a”"):
        import_page(write(tmp_path, "b.txt", "# 二\n正文。\n"), extra=("--page", "1"))
    assert Article.objects.count() == 1


def test_a_reimport_with_a_corrected_date_moves_the_page_and_its_stories(db, tmp_path):
    path = write(tmp_path, "a.txt", "# 一\n正文。\n")
    import_page(path, date="2021-10-12", extra=("--page", "2"))
    import_page(path, date="2021-10-13", extra=("--page", "2"))
    page = Page.objects.select_related("edition").get()
    assert str(page) == "2021年10月13日 第2版"
    assert Article.objects.get().published_on.isoformat() == "2021-10-13"
