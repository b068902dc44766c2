"""Reading a newspaper page in the archive's text format.

The format, one page per file:

    ## 引题 (the kicker, when a "# " line follows; otherwise the headline)
    # 主题 (the main headline)
    ## 副题 (optional, straight after the main headline: the subheadline)
    本报记者 徐冬梅 见习记者 曹凯琳          <- the byline: role, name, role, name…
    本报讯 近日,……                         <- paragraphs, blank lines between them
    ### 小标题                              <- a subhead inside the story

`parse_page()` is pure: text in, plain data out, no database. Writing the result is
`articles.management.commands.import_page`'s job.
"""

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

DATELINES = ("本报讯",)

# A paragraph that ends in none of these was cut by a column break and goes on in the next.
CLOSING_PUNCTUATION = "。！？!?…；;：:”’\"'）)」』》】"

_HEADING = re.compile(r"^(#+)\s+(.*?)\s*$")


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


@dataclass
class ParsedReport:
    position: int  # 1-based order on the page
    line: int  # where the report starts in the file
    headline: str
    kicker: str = ""
    subheadline: str = ""
    bylines: list[ParsedByline] = field(default_factory=list)
    dateline: str = ""
    blocks: list[str] = field(default_factory=list)  # paragraphs, subheads as "### …"

    @property
    def body(self):
        return "\n\n".join(self.blocks)


def parse_byline(text, line_number):
    """'本报记者 徐冬梅 见习记者 曹凯琳' → [(staff_reporter, 徐冬梅), (trainee_reporter, 曹凯琳)].

    A role may be followed by several names; a name may follow its role without a space.
    """
    bylines, role, role_has_name = [], None, True
    for token in text.split():
        while token:
            found = next((r for r in _ROLE_NAMES if token.startswith(r)), None)
            if found:
                if not role_has_name:
                    raise PageFormatError(line_number, f"byline role “{role}” has no name after it")
                role, role_has_name, token = found, False, token[len(found) :]
            elif role is None:
                raise PageFormatError(
                    line_number,
                    f"expected a byline starting with a role ({'、'.join(BYLINE_ROLES)}), "
                    f"found “{text}”",
                )
            else:
                bylines.append(ParsedByline(BYLINE_ROLES[role], token))
                role_has_name, token = True, ""
    if not role_has_name:
        raise PageFormatError(line_number, f"byline role “{role}” has no name after it")
    return bylines


def starts_with_role(text):
    return any(text.startswith(role) for role in _ROLE_NAMES)


def split_dateline(paragraph):
    for dateline in DATELINES:
        if paragraph.startswith(dateline):
            return dateline, paragraph[len(dateline) :].lstrip(" \u3000")
    return "", paragraph


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


def parse_page(text, source=None):
    """Parse one page into its reports. Raises PageFormatError naming the line."""
    try:
        return _parse(text)
    except PageFormatError as error:
        if source:
            raise error.with_source(source) from None
        raise


def _parse(text):
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PageFormatError(line, "the file contains a NUL byte; is it really text?")
    lines = [
        (number, line.strip())
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1)
        if line.strip()
    ]
    reports = []
    paragraphs = []  # of the report being read: (text, is_subhead, line)
    i = 0

    def finish(report):
        if not paragraphs:
            raise PageFormatError(report.line, f"the report “{report.headline}” has no body text")
        cleaned = join_column_breaks([(t, sub) for t, sub, _ in paragraphs])
        first = next((k for k, (_, sub) in enumerate(cleaned) if not sub), None)
        if first is not None:
            dateline, rest = split_dateline(cleaned[first][0])
            if dateline:
                report.dateline = dateline
                cleaned[first] = (rest, False)
        report.blocks = [f"### {t}" if sub else t for t, sub in cleaned]
        reports.append(report)
        paragraphs.clear()

    report = None
    while i < len(lines):
        number, line = lines[i]
        heading = _HEADING.match(line)
        level = len(heading.group(1)) if heading else 0
        if level > 3:
            raise PageFormatError(number, f"unknown heading level “{heading.group(1)}”")
        if heading and not heading.group(2):
            raise PageFormatError(number, "empty heading")

        if level in (1, 2):
            if report is not None:
                finish(report)
            report = ParsedReport(position=len(reports) + 1, line=number, headline="")
            following = lines[i + 1] if i + 1 < len(lines) else None
            following_heading = following and _HEADING.match(following[1])
            if level == 2 and following_heading and len(following_heading.group(1)) == 1:
                report.kicker = heading.group(2)
                report.headline = following_heading.group(2)
                i += 2
            else:
                report.headline = heading.group(2)
                i += 1
            has_main_headline = level == 1 or report.kicker
            sub = has_main_headline and i + 1 < len(lines) and _HEADING.match(lines[i][1])
            if sub and len(sub.group(1)) == 2 and starts_with_role(lines[i + 1][1]):
                # A "## " straight after the main headline, before the byline: the subheadline.
                report.subheadline = sub.group(2)
                i += 1
            if i >= len(lines):
                raise PageFormatError(number, f"the report “{report.headline}” has no byline")
            byline_number, byline = lines[i]
            if _HEADING.match(byline) or not starts_with_role(byline):
                raise PageFormatError(
                    byline_number,
                    f"expected the byline of “{report.headline}” "
                    f"(a role such as {'、'.join(BYLINE_ROLES)} and a name), found “{byline}”",
                )
            report.bylines = parse_byline(byline, byline_number)
            i += 1
            continue

        if report is None:
            raise PageFormatError(
                number, "text before the first headline (a line starting “## ” or “# ”)"
            )
        if level == 3:
            paragraphs.append((heading.group(2), True, number))
        else:
            paragraphs.append((line, False, number))
        i += 1

    if report is None:
        raise PageFormatError(
            1, "no reports found: a page needs at least one “## ” or “# ” headline"
        )
    finish(report)
    return reports


def detect_regions(text, region_names, whole_area):
    """The regions a report names; the whole area when it names none of them."""
    named = [name for name in region_names if name in text]
    return named or [whole_area]
