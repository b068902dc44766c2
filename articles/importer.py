"""Reading a newspaper page in the archive's text format.

The format, one page per file (UTF-8; blank lines are ignored except as paragraph breaks):

    日期: 2021-10-12                        <- optional header lines, before the first headline:
    版次: 3                                    the date, the page number (3 or 第3版) and the
    版名: 要闻                                 page name; command-line flags win over them

    ## 引题 (the kicker, when a "# " line follows; otherwise the headline)
    # 主题 (the main headline)
    ## 副题 (optional, straight after the main headline: the subheadline)
    本报记者 徐冬梅 见习记者 曹凯琳          <- byline lines (none for an unsigned brief):
    张华 摄                                    role, name, role, name…; "新华社记者 李明";
                                               "摄影 张华" or "张华 摄" for a photo credit
    本报讯 近日,……                         <- paragraphs; the first may open with a dateline:
    ### 小标题                                 本报讯, 新华社杭州9月1日电, 据新华社电, and the
                                               byline in brackets after it: 本报讯(记者 王琳)

A story is a run of headings, byline lines and paragraphs; the next "# " or "## " headline
starts the next story. A paragraph that ends without closing punctuation was cut by a column
break and is joined to the next.

`read_page()` is pure: text in, plain data out, no database. It is made of small steps, one
per part of a story: `read_header`, `read_headings`, `read_bylines`, `read_paragraphs` and
`finish_body` (which splits the dateline and joins column breaks). Writing the result is
`articles.management.commands.import_page`'s job.
"""

import datetime
import re
from dataclasses import dataclass, field

# Longest first, so that 本报记者 is not read as 本报 + 记者.
BYLINE_ROLES = {
    "本报记者": "staff_reporter",
    "特约记者": "special_correspondent",
    "见习记者": "trainee_reporter",
    "通讯员": "correspondent",
    "记者": "reporter",
    "摄影": "photographer",
}
_ROLE_NAMES = sorted(BYLINE_ROLES, key=len, reverse=True)

# News agencies and other papers whose copy a page reprints: "新华社记者 李明" keeps 新华社.
AGENCIES = ("新华社", "中新社", "人民日报", "光明日报", "经济日报", "浙江日报", "中国日报")
_AGENCY = "|".join(AGENCIES)
PHOTO_CREDIT = "摄"

# 本报讯; 新华社杭州9月1日电; 据新华社电; 人民日报讯. A dateline may carry the byline in
# brackets, half or full width: 本报讯(记者 王琳 通讯员 吴宣).
_DATELINE = re.compile(
    rf"^(?P<dateline>本报讯|据(?:{_AGENCY})电|(?:{_AGENCY})讯"
    rf"|(?:{_AGENCY})[\u4e00-\u9fff]{{0,8}}?\d{{1,2}}月\d{{1,2}}日电)"
    r"(?:\s*[(（](?P<byline>[^()（）]*)[)）])?[\s\u3000]*"
)
DATELINES = ("本报讯",)  # the commonest; the pattern above reads the others

# A byline line holds names and roles only: no sentence punctuation. (Not a length limit: an
# overlong name must reach validation and be refused, not become the first paragraph.)
_NOT_IN_BYLINES = re.compile(r"[，。,.；;：:！？!?“”\"《》]")

# A paragraph that ends in none of these was cut by a column break and goes on in the next.
CLOSING_PUNCTUATION = "。！？!?…；;：:”’\"'）)」』》】"

_HEADING = re.compile(r"^(#+)\s+(.*?)\s*$")
_HEADER = re.compile(r"^(日期|版次|版名)\s*[:：]\s*(.*?)\s*$")
_PAGE_NUMBER = re.compile(r"^第?\s*(\d{1,3})\s*版?$")


class PageFormatError(ValueError):
    """The page cannot be read. `line` is 1-based; `str()` names it."""

    def __init__(self, line, message, source=None):
        self.line = line
        self.message = message
        self.source = source
        super().__init__(self._describe())

    def _describe(self):
        where = f"{self.source}, line {self.line}" if self.source else f"line {self.line}"
        return f"{where}: {self.message}"

    def with_source(self, source):
        return PageFormatError(self.line, self.message, source)


@dataclass(frozen=True)
class ParsedByline:
    role: str  # a Byline.Role value
    name: str
    agency: str = ""  # 新华社 for "新华社记者 李明"


@dataclass
class PageHeader:
    date: datetime.date | None = None
    number: int | None = None
    name: str = ""
    lines: dict = field(default_factory=dict)  # "date" | "number" | "name" → line number


@dataclass
class ParsedReport:
    position: int  # 1-based order on the page
    line: int  # where the report starts in the file
    headline: str
    kicker: str = ""
    subheadline: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    byline_line: int | None = None  # where the bylines were read, for error messages
    dateline: str = ""
    blocks: list[str] = field(default_factory=list)  # paragraphs, subheads as "### …"

    @property
    def body(self):
        return "\n\n".join(self.blocks)


@dataclass
class ParsedPage:
    header: PageHeader
    reports: list[ParsedReport]


# --- Bylines ---------------------------------------------------------------------------------


def _role_at(token):
    """The role `token` starts with, and the agency before it: ("reporter", "新华社", rest)."""
    agency = next((a for a in AGENCIES if token.startswith(a)), "")
    after_agency = token[len(agency) :]
    found = next((r for r in _ROLE_NAMES if after_agency.startswith(r)), None)
    if found is None:
        return None, "", token
    return found, agency, after_agency[len(found) :]


def parse_byline(text, line_number):
    """'本报记者 徐冬梅 见习记者 曹凯琳' → [(staff_reporter, 徐冬梅), (trainee_reporter, 曹凯琳)].

    A role may be followed by several names (with spaces or 、 between them); a name may
    follow its role without a space. An agency before the role is kept ("新华社记者 李明").
    A trailing "摄" makes the names before it photographers: "张华 摄", "记者 张华 摄".
    """
    tokens = text.replace("、", " ").split()
    photo_credit = bool(tokens) and tokens[-1] == PHOTO_CREDIT
    if photo_credit:
        tokens = tokens[:-1]
    elif tokens and tokens[-1].endswith(PHOTO_CREDIT) and len(tokens[-1]) > 1:
        photo_credit, tokens[-1] = True, tokens[-1][:-1]
    if photo_credit and tokens and _role_at(tokens[0])[0] is None:
        tokens.insert(0, "摄影")
    groups = _role_groups(tokens, text, line_number)
    if photo_credit:
        groups[-1] = ("摄影", groups[-1][1], groups[-1][2])
    return [
        ParsedByline(BYLINE_ROLES[role], name, agency)
        for role, agency, names in groups
        for name in names
    ]


def _role_groups(tokens, text, line_number):
    """Tokens → [(role, agency, [names…]), …]; every role has at least one name."""
    groups = []
    for token in tokens:
        while token:
            role, agency, rest = _role_at(token)
            if role:
                if groups and not groups[-1][2]:
                    raise PageFormatError(
                        line_number, f"byline role “{groups[-1][0]}” has no name after it"
                    )
                groups.append((role, agency, []))
                token = rest
            elif not groups:
                raise PageFormatError(
                    line_number,
                    f"expected a byline starting with a role ({'、'.join(BYLINE_ROLES)}), "
                    f"found “{text}”",
                )
            else:
                groups[-1][2].append(token)
                token = ""
    if not groups:
        raise PageFormatError(line_number, "empty byline")
    if not groups[-1][2]:
        raise PageFormatError(line_number, f"byline role “{groups[-1][0]}” has no name after it")
    return groups


def starts_with_role(text):
    return _role_at(text)[0] is not None


def looks_like_byline(line):
    """A line of roles and names ("记者 王琳", "新华社记者 李明", "张华 摄"), not a paragraph."""
    if _NOT_IN_BYLINES.search(line) or _HEADING.match(line):
        return False
    words = line.split()
    is_credit = len(words) > 1 and words[-1] == PHOTO_CREDIT
    return starts_with_role(line) or is_credit


# --- Datelines and paragraphs ----------------------------------------------------------------


def split_dateline(paragraph, line_number=1):
    """'本报讯(记者 王琳) 近日,…' → ("本报讯", [bylines], "近日,…"); no dateline: ("", [], text)."""
    match = _DATELINE.match(paragraph)
    if not match:
        return "", [], paragraph
    byline = match.group("byline")
    bylines = parse_byline(byline, line_number) if byline and byline.strip() else []
    return match.group("dateline"), bylines, paragraph[match.end() :]


def join_column_breaks(paragraphs):
    """Join paragraphs that a column break cut in two.

    `paragraphs` are (text, is_subhead) pairs. A paragraph that does not end in closing
    punctuation, followed by another paragraph, is one sentence printed across two columns.
    """
    joined = []
    for text, is_subhead in paragraphs:
        if (
            joined
            and not is_subhead
            and not joined[-1][1]
            and joined[-1][0][-1] not in CLOSING_PUNCTUATION
        ):
            joined[-1] = (joined[-1][0] + text, False)
        else:
            joined.append((text, is_subhead))
    return joined


# --- The page, step by step ------------------------------------------------------------------


def read_lines(text):
    """Numbered, stripped, non-blank lines. Refuses what is not text."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PageFormatError(line, "the file contains a NUL byte; is it really text?")
    return [
        (number, line.strip())
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)
        if line.strip()
    ]


def read_header(lines):
    """The `日期:`/`版次:`/`版名:` lines at the top; returns (PageHeader, index after them)."""
    header, i = PageHeader(), 0
    while i < len(lines) and (match := _HEADER.match(lines[i][1])):
        number, (key, value) = lines[i][0], match.groups()
        if key == "日期":
            try:
                header.date = datetime.date.fromisoformat(value)
            except ValueError:
                raise PageFormatError(
                    number, f"日期 “{value}” is not a date like 2021-10-12"
                ) from None
            header.lines["date"] = number
        elif key == "版次":
            page = _PAGE_NUMBER.match(value)
            if not page or int(page.group(1)) < 1:
                raise PageFormatError(number, f"版次 “{value}” is not a page number like 3")
            header.number, header.lines["number"] = int(page.group(1)), number
        else:
            header.name, header.lines["name"] = value, number
        i += 1
    return header, i


def _heading(line):
    """(level, text) of a heading line, (0, line) of any other."""
    number, text = line
    heading = _HEADING.match(text)
    if not heading:
        return 0, text
    level = len(heading.group(1))
    if level > 3:
        raise PageFormatError(number, f"unknown heading level “{heading.group(1)}”")
    return level, heading.group(2)


def read_headings(lines, i, report):
    """Kicker, headline and subheadline of the story starting at `lines[i]`; returns the index
    after them."""
    level, text = _heading(lines[i])
    following = _heading(lines[i + 1]) if i + 1 < len(lines) else (0, "")
    if level == 2 and following[0] == 1:
        report.kicker, report.headline = text, following[1]
        i += 2
    else:
        report.headline = text
        i += 1
    if level == 1 or report.kicker:
        sub = _heading(lines[i]) if i < len(lines) else (0, "")
        after = _heading(lines[i + 1]) if i + 1 < len(lines) else (0, "")
        # A "## " straight after the main headline is its subheadline, unless it is the
        # kicker of the next story (then this one has no body, which is refused later).
        if sub[0] == 2 and after[0] != 1:
            report.subheadline = sub[1]
            i += 1
    return i


def read_bylines(lines, i, report):
    """The byline lines after the headings (none for an unsigned brief); returns the index
    after them."""
    while i < len(lines) and looks_like_byline(lines[i][1]):
        number, text = lines[i]
        report.byline_line = report.byline_line or number
        report.bylines.extend(parse_byline(text, number))
        i += 1
    return i


def read_paragraphs(lines, i):
    """Paragraphs and subheads up to the next story: ([(text, is_subhead, line)], index)."""
    paragraphs = []
    while i < len(lines):
        level, text = _heading(lines[i])
        if level in (1, 2):
            break
        paragraphs.append((text, level == 3, lines[i][0]))
        i += 1
    return paragraphs, i


def finish_body(report, paragraphs):
    """Dateline (and a byline in its brackets) off the first paragraph; column breaks joined."""
    if not any(not is_subhead for _, is_subhead, _ in paragraphs):
        raise PageFormatError(report.line, f"the report “{report.headline}” has no body text")
    cleaned = join_column_breaks([(text, is_subhead) for text, is_subhead, _ in paragraphs])
    first = next(k for k, (_, is_subhead) in enumerate(cleaned) if not is_subhead)
    first_line = [number for _, is_subhead, number in paragraphs if not is_subhead][0]
    dateline, bylines, rest = split_dateline(cleaned[first][0], first_line)
    if dateline:
        report.dateline = dateline
        report.bylines.extend(bylines)
        if bylines and report.byline_line is None:
            report.byline_line = first_line
        if not rest.strip():
            raise PageFormatError(first_line, f"nothing follows the dateline “{dateline}”")
        cleaned[first] = (rest, False)
    report.blocks = [f"### {text}" if is_subhead else text for text, is_subhead in cleaned]


def read_report(lines, i, position):
    """One story from `lines[i]` (a "# " or "## " headline); returns (report, next index)."""
    number = lines[i][0]
    report = ParsedReport(position=position, line=number, headline="")
    i = read_headings(lines, i, report)
    i = read_bylines(lines, i, report)
    paragraphs, i = read_paragraphs(lines, i)
    finish_body(report, paragraphs)
    return report, i


def read_page(text, source=None):
    """Parse one page into its header and reports. Raises PageFormatError naming the line."""
    try:
        lines = read_lines(text)
        header, i = read_header(lines)
        reports = []
        while i < len(lines):
            level, heading = _heading(lines[i])
            if level not in (1, 2):
                raise PageFormatError(
                    lines[i][0], "text before the first headline (a line starting “## ” or “# ”)"
                )
            if not heading:
                raise PageFormatError(lines[i][0], "empty heading")
            report, i = read_report(lines, i, len(reports) + 1)
            reports.append(report)
        if not reports:
            raise PageFormatError(
                1, "no reports found: a page needs at least one “## ” or “# ” headline"
            )
        return ParsedPage(header, reports)
    except PageFormatError as error:
        if source:
            raise error.with_source(source) from None
        raise


def parse_page(text, source=None):
    """The reports of one page (header lines, if any, are read and set aside)."""
    return read_page(text, source).reports


def detect_regions(text, region_names, whole_area):
    """The regions a report names; the whole area when it names none of them."""
    named = [name for name in region_names if name in text]
    return named or [whole_area]
