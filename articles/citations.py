"""How to cite a story: GB/T 7714-2015 (the Chinese national standard for references, its form
for a newspaper article, `[N]`), RIS (`TY  - NEWS`) and BibTeX. A few lines each, so no library.

GB/T 7714-2015 for a newspaper article:
    主要责任者. 题名[N]. 报纸名, 出版日期(版次).
with at most three authors followed by ", 等", and a date the cataloguer estimated in square
brackets (§8.4: 估计的出版年应置于方括号内).
"""

import re

from django.conf import settings

DEFAULT_PUBLICATION_NAME = "湖州日报"
MAX_GBT_AUTHORS = 3
ESTIMATED_NOTE = "日期为推定"

_SPACES = re.compile(r"\s+")
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def publication_name():
    return getattr(settings, "ARCHIVE_PUBLICATION_NAME", DEFAULT_PUBLICATION_NAME)


def printed_page_number(article):
    """The number of the printed page the story ran on, or None where unknown."""
    return article.page.number if article.page_id else None


def one_line(text):
    """A field value on one line: formats here are line-based, and headlines keep line breaks."""
    return _SPACES.sub(" ", text or "").strip()


def authors(article):
    """The bylined people in printed order, each once (a reporter may also be the photographer)."""
    names = []
    for byline in article.bylines.all():
        if byline.reporter.name not in names:
            names.append(byline.reporter.name)
    return names


def gbt7714(article):
    """The reference as GB/T 7714-2015 prints it, e.g.
    `徐冬梅, 曹凯琳, 高飞. 发现问题排查见底……攻坚战[N]. 湖州日报, 2021-09-30(3).`"""
    names = authors(article)
    people = ", ".join(names[:MAX_GBT_AUTHORS]) + (", 等" if len(names) > MAX_GBT_AUTHORS else "")
    date = article.published_on.isoformat()
    if article.date_is_estimated:
        date = f"[{date}]"
    page = printed_page_number(article)
    edition = f"({page})" if page is not None else ""
    title = one_line(article.headline)
    prefix = f"{people}. " if people else ""
    return f"{prefix}{title}[N]. {publication_name()}, {date}{edition}."


def file_stem(article):
    return f"huzhou-news-{article.pk}"


def ris(article, url):
    """A RIS record (the format of Research Information Systems, read by every reference
    manager): two-letter tag, two spaces, a hyphen, a space; TY first and ER last."""
    fields = [("TY", "NEWS")]
    fields += [("AU", name) for name in authors(article)]
    fields += [
        ("TI", one_line(article.headline)),
        ("T2", publication_name()),
        ("PY", f"{article.published_on.year:04d}"),
        ("DA", ris_date(article.published_on)),
    ]
    page = printed_page_number(article)
    if page is not None:
        fields.append(("SP", str(page)))
    fields += [("LA", "zh"), ("UR", url)]
    if article.date_is_estimated:
        fields.append(("N1", ESTIMATED_NOTE))
    fields.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in fields)


def ris_date(date):
    # Not strftime: it drops the leading zeros of a year before 1000.
    return f"{date.year:04d}/{date.month:02d}/{date.day:02d}/"


def bibtex_escape(text):
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in one_line(text))


def bibtex(article, url):
    """A BibTeX entry: @article (author, title, journal, year required) when the story has a
    byline, else @misc, whose fields are all optional."""
    names = authors(article)
    date = article.published_on
    fields = []
    if names:
        fields.append(("author", " and ".join(f"{{{bibtex_escape(n)}}}" for n in names)))
    fields += [
        ("title", bibtex_escape(article.headline)),
        ("journal" if names else "howpublished", bibtex_escape(publication_name())),
        ("year", f"{date.year:04d}"),
        ("month", str(date.month)),
        ("date", date.isoformat()),
    ]
    page = printed_page_number(article)
    if page is not None:
        fields.append(("pages", str(page)))
    fields += [("url", url), ("language", "chinese")]
    if article.date_is_estimated:
        fields.append(("note", ESTIMATED_NOTE))
    kind = "article" if names else "misc"
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{file_stem(article)},\n{body}\n}}\n"
