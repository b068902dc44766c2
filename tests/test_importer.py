"""The page parser: pure, no database."""

import pytest

from articles.importer import (
    PageFormatError,
    detect_regions,
    join_column_breaks,
    parse_byline,
    parse_page,
)
from tests.conftest import SEED_PAGE


@pytest.fixture(scope="module")
def reports():
    return parse_page(SEED_PAGE.read_text(encoding="utf-8"))


def test_the_seed_page_holds_four_reports_in_order(reports):
    assert [r.position for r in reports] == [1, 2, 3, 4]
    assert reports[2].headline == "湖州政法委力推新媒体矩阵 打通反诈宣传“最后一公里”"


def test_a_double_hash_line_followed_by_a_single_hash_line_is_a_kicker(reports):
    first, second = reports[0], reports[1]
    assert first.kicker == "湖州召开两个“排查见底”推进会、风险防控争先战推进会暨国庆安保维稳部署会"
    assert first.headline == "发现问题排查见底 推动隐患整改见效 全力以赴打赢国庆安保维稳攻坚战"
    assert second.kicker == "湖州执行“一件事”改革领导小组召开第一次会议"
    assert second.headline == "数字赋能打破壁垒 构建综合治理执行难工作格局"


def test_a_double_hash_line_alone_is_the_headline(reports):
    assert reports[3].kicker == ""
    assert reports[3].headline == "湖州政法系统 主题征文结果揭晓"


def test_report_one_has_three_bylines_in_order(reports):
    assert [(b.role, b.name) for b in reports[0].bylines] == [
        ("staff_reporter", "徐冬梅"),
        ("trainee_reporter", "曹凯琳"),
        ("correspondent", "高飞"),
    ]


def test_subheads_are_kept_in_place(reports):
    subheads = [b for b in reports[0].blocks if b.startswith("### ")]
    assert subheads == [
        "### 责任到人排查到底 打好安保维稳“主动仗”",
        "### 县区一把手挂帅 督查两个“排查见底”",
    ]
    assert reports[0].blocks[2] == subheads[0]


def test_the_dateline_is_split_from_the_first_paragraph(reports):
    assert [r.dateline for r in reports] == ["", "本报讯", "本报讯", "本报讯"]
    assert reports[1].blocks[0].startswith("近日,湖州市执行“一件事”改革领导小组")


@pytest.mark.parametrize(
    "position, joined",
    [
        (1, "聚焦问题对号入座、分析原因强化举措,发现问题排查见底、推动隐患整改见效"),
        (1, "131家涉及有限空间作业的企业开展整治,盯紧道路交通"),
        (2, "确保中央和省委的决策部署在湖州落地见效。"),
        (2, "“实效性、便捷性、协同性、系统性”,以满足多层次"),
    ],
)
def test_sentences_cut_by_a_column_break_are_joined(reports, position, joined):
    assert any(joined in block for block in reports[position - 1].blocks)


def test_the_column_break_halves_do_not_remain_as_paragraphs(reports):
    blocks = [b for r in reports for b in r.blocks]
    for half in ("排查见底、推动隐患整改见效", "整治,盯紧道路交通", "见效。", "性”,以满足"):
        assert not any(b.startswith(half) for b in blocks)
    assert [len(r.blocks) for r in reports] == [10, 3, 4, 4]


def test_printed_text_is_kept_verbatim(reports):
    # Half-width commas and the printed 分析研判形式 (for 形势) are what the page says.
    assert "总结前阶段工作、分析研判形式、部署重点工作。" in reports[0].blocks[0]
    assert "夏秋之交,尽管暑气犹存," in reports[0].blocks[0]


def test_join_column_breaks_keeps_subheads_and_finished_paragraphs_apart():
    blocks = [
        ("以点带面", False),
        ("小标题", True),
        ("一段。", False),
        ("开展", False),
        ("整治。", False),
    ]
    assert join_column_breaks(blocks) == [
        ("以点带面", False),
        ("小标题", True),
        ("一段。", False),
        ("开展整治。", False),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("通讯员 高飞", [("correspondent", "高飞")]),
        ("本报记者 徐冬梅 张三", [("staff_reporter", "徐冬梅"), ("staff_reporter", "张三")]),
        ("特约记者 李四 摄影 王五", [("special_correspondent", "李四"), ("photographer", "王五")]),
        ("记者 赵六", [("reporter", "赵六")]),
        ("本报记者徐冬梅", [("staff_reporter", "徐冬梅")]),
    ],
)
def test_bylines_with_several_roles_and_names(text, expected):
    assert [(b.role, b.name) for b in parse_byline(text, 1)] == expected


@pytest.mark.parametrize(
    "page, line, message",
    [
        ("", 1, "no reports found"),
        ("近日,开会。\n\n## 标题\n\n通讯员 高飞\n\n正文。", 1, "text before the first headline"),
        ("## 标题\n\n近日,开会。", 3, "expected the byline"),
        ("## 标题\n\n通讯员 高飞\n\n## 下一篇\n\n通讯员 高飞\n\n正文。", 1, "has no body text"),
        ("## 标题\n\n通讯员\n\n正文。", 3, "has no name after it"),
        ("## 标题\n\n本报记者 通讯员 高飞\n\n正文。", 3, "has no name after it"),
        ("## 标题\n\n通讯员 高飞\n\n#### 太深\n\n正文。", 5, "unknown heading level"),
        ("## 标题\n\n通讯员 高飞\n\n正文\x00。", 5, "NUL byte"),
        ("## 标题", 1, "has no byline"),
        ("# 主题\n## 副题\n### 小标题\n", 2, "expected the byline"),
    ],
)
def test_malformed_pages_name_the_line(page, line, message):
    with pytest.raises(PageFormatError) as caught:
        parse_page(page, source="page.txt")
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"page.txt, line {line}: ")


def test_a_subheadline_follows_the_main_headline():
    (report,) = parse_page("## 引题\n# 主题\n## 副题\n记者 赵六\n正文。")
    assert (report.kicker, report.headline, report.subheadline) == ("引题", "主题", "副题")
    assert report.body == "正文。"


def test_windows_line_endings_and_a_byte_order_mark_are_accepted():
    (report,) = parse_page("\ufeff## 标题\r\n\r\n通讯员 高飞\r\n\r\n第一段。\r\n\r\n第二段。\r\n")
    assert report.blocks == ["第一段。", "第二段。"]


def test_detect_regions_falls_back_to_the_whole_area():
    names = ["吴兴区", "南太湖新区"]
    assert detect_regions("吴兴区和南太湖新区", names, "湖州市") == ["吴兴区", "南太湖新区"]
    assert detect_regions("“平安南太湖”公众号", names, "湖州市") == ["湖州市"]
