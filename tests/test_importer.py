"""The page parser: pure, no database."""

import pytest

from articles.importer import (
    PageFormatError,
    ParsedByline,
    detect_regions,
    join_column_breaks,
    looks_like_byline,
    parse_byline,
    parse_page,
    read_header,
    read_lines,
    read_page,
    split_dateline,
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
        ("## 标题\n\n本报讯\n\n### 小标题", 3, "nothing follows the dateline"),
        ("## 标题\n\n通讯员 高飞\n\n## 下一篇\n\n通讯员 高飞\n\n正文。", 1, "has no body text"),
        ("## 标题\n\n通讯员\n\n正文。", 3, "has no name after it"),
        ("## 标题\n\n本报记者 通讯员 高飞\n\n正文。", 3, "has no name after it"),
        ("## 标题\n\n通讯员 高飞\n\n#### 太深\n\n正文。", 5, "unknown heading level"),
        ("## 标题\n\n通讯员 高飞\n\n正文\x00。", 5, "NUL byte"),
        ("## 标题", 1, "has no body text"),
        ("# 主题\n## 副题\n### 小标题\n", 1, "has no body text"),
        ("## 标题\n本报讯(记者) 近日,开会。", 2, "has no name after it"),
        ("日期: 2021-13-01\n## 标题\n正文。", 1, "is not a date like 2021-10-12"),
        ("版次: 三\n## 标题\n正文。", 1, "is not a page number like 3"),
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


# --- The forms of real pages beyond the seed -------------------------------------------------


def test_an_unsigned_brief_has_no_bylines_and_keeps_its_dateline():
    (report,) = parse_page("## 简讯\n本报讯 近日,我市召开会议。")
    assert report.bylines == []
    assert (report.dateline, report.blocks) == ("本报讯", ["近日,我市召开会议。"])


def test_a_brief_without_dateline_or_byline_is_a_story_too():
    first, second = parse_page("## 一\n近日,开会。\n## 二\n本报讯 又开会。")
    assert (first.blocks, first.dateline, second.dateline) == (["近日,开会。"], "", "本报讯")


@pytest.mark.parametrize(
    "paragraph",
    ["本报讯(记者 王琳 通讯员 吴宣) 近日,开会。", "本报讯（记者 王琳 通讯员 吴宣）近日,开会。"],
)
def test_a_byline_in_the_dateline_brackets_half_or_full_width(paragraph):
    (report,) = parse_page(f"## 标题\n{paragraph}")
    assert report.dateline == "本报讯"
    assert [(b.role, b.name) for b in report.bylines] == [
        ("reporter", "王琳"),
        ("correspondent", "吴宣"),
    ]
    assert report.blocks == ["近日,开会。"]
    assert report.byline_line == 2


@pytest.mark.parametrize(
    "paragraph, dateline, rest",
    [
        ("新华社杭州9月1日电 记者从省里获悉。", "新华社杭州9月1日电", "记者从省里获悉。"),
        ("新华社北京10月12日电(记者 李明) 会议召开。", "新华社北京10月12日电", "会议召开。"),
        ("据新华社电 国务院近日印发通知。", "据新华社电", "国务院近日印发通知。"),
        ("人民日报北京9月1日电 会议召开。", "人民日报北京9月1日电", "会议召开。"),
        ("浙江日报讯 全省开会。", "浙江日报讯", "全省开会。"),
        ("近日,本报讯记者获悉。", "", "近日,本报讯记者获悉。"),
    ],
)
def test_wire_datelines(paragraph, dateline, rest):
    found, _, text = split_dateline(paragraph)
    assert (found, text) == (dateline, rest)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("新华社记者 李明", [("reporter", "李明", "新华社")]),
        (
            "人民日报记者 王强 浙江日报记者 陈静",
            [("reporter", "王强", "人民日报"), ("reporter", "陈静", "浙江日报")],
        ),
        ("摄影 张华", [("photographer", "张华", "")]),
        ("张华 摄", [("photographer", "张华", "")]),
        ("张华 李丽 摄", [("photographer", "张华", ""), ("photographer", "李丽", "")]),
        ("新华社记者 李明 摄", [("photographer", "李明", "新华社")]),
        ("记者 王琳、李明", [("reporter", "王琳", ""), ("reporter", "李明", "")]),
    ],
)
def test_wire_bylines_photo_credits_and_several_names(text, expected):
    assert [(b.role, b.name, b.agency) for b in parse_byline(text, 1)] == expected


@pytest.mark.parametrize(
    "line, is_byline",
    [
        ("本报记者 徐冬梅", True),
        ("新华社记者 李明", True),
        ("张华 摄", True),
        ("记者从市公安局获悉,今年以来……", False),
        ("本报讯 近日,开会。", False),
        ("摄", False),
        ("# 记者", False),
    ],
)
def test_a_byline_line_is_told_from_a_paragraph(line, is_byline):
    assert looks_like_byline(line) is is_byline


def test_a_photo_credit_line_after_the_byline_adds_a_photographer():
    (report,) = parse_page("# 主题\n记者 王琳\n张华 摄\n本报讯 近日,开会。")
    assert report.bylines == [
        ParsedByline("reporter", "王琳"),
        ParsedByline("photographer", "张华"),
    ]
    assert report.byline_line == 2


def test_a_subheadline_before_an_unsigned_body():
    (report,) = parse_page("# 主题\n## 副题\n本报讯 近日,开会。")
    assert (report.headline, report.subheadline, report.dateline) == ("主题", "副题", "本报讯")


def test_header_lines_give_date_number_and_name():
    header, after = read_header(read_lines("日期: 2021-10-12\n版次：第3版\n版名: 要闻\n\n## 标题"))
    assert (header.date.isoformat(), header.number, header.name, after) == (
        "2021-10-12",
        3,
        "要闻",
        3,
    )
    assert header.lines == {"date": 1, "number": 2, "name": 3}


def test_a_page_without_header_lines_has_an_empty_header():
    page = read_page("## 标题\n正文。")
    assert (page.header.date, page.header.number, page.header.name) == (None, None, "")
