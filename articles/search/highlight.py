"""Marking matches: escaped text with <mark> around the words of a query, and snippets."""

import bisect
import re
from html import escape  # Django's escape() is this, behind a check for lazy strings

from django.utils.safestring import mark_safe

from . import lexicon
from .query import parse_or_none
from .text import normalize, tokenize

_SUBHEAD = re.compile(r"^#{1,3}\s+", re.MULTILINE)


# The segmenter cuts text into runs of letters, digits and these before it finds words: any
# other character ends every word, so a run can be segmented alone, as in the whole text.
_SEPARATOR = re.compile(r"[^\w+#&.%-]")


def _match_spans(text, parsed):
    """Merged (start, end) spans of `text` where a query word (or an alias of it) is found.
    Only the runs that hold a query word somewhere are segmented (a tenth of a long body)."""
    terms = lexicon.current().expand(parsed.terms)
    normalized = normalize(text)
    spans = set()
    for begin, end in _runs_holding(normalized, terms):
        words = tokenize(normalized[begin:end])
        spans.update((begin + s, begin + e) for w, s, e in words if w in terms)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _runs_holding(normalized, terms):
    """(begin, end) of each run of `normalized` between separators that holds a term."""
    found = [(at, term) for term in terms for at in _occurrences(normalized, term)]
    if not found:  # most names, tags and headlines of a page of results
        return set()
    separators = [m.start() for m in _SEPARATOR.finditer(normalized)]
    runs = set()
    for at, term in found:
        before = bisect.bisect_left(separators, at)
        after = bisect.bisect_left(separators, at + len(term))
        begin = separators[before - 1] + 1 if before else 0
        end = separators[after] if after < len(separators) else len(normalized)
        runs.add((begin, end))
    return runs


def _occurrences(text, term):
    at = text.find(term)
    while at != -1:
        yield at
        at = text.find(term, at + 1)


def _marked(text, spans, offset=0):
    out, at = [], 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        out += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def highlight(text, query):
    """`text`, escaped, with <mark> around the words of `query` (a string or a ParsedQuery);
    safe to put in a page."""
    text = text or ""
    parsed = parse_or_none(query)
    spans = _match_spans(text, parsed) if parsed else []
    return mark_safe(_marked(text, spans))


def _window(text, spans, length):
    """Where a snippet of `length` characters starts and ends: around the window (starting a
    little before a match) that holds the most matches, never cutting a marked word in two."""
    start = 0
    if spans:
        lead = length // 5

        def matches_in_window(span):
            begin = max(span[0] - lead, 0)
            return sum(1 for s, e in spans if s >= begin and e <= begin + length)

        start = max(max(spans, key=matches_in_window)[0] - lead, 0)
        start = min(start, len(text) - length)
        for s, e in spans:
            if s < start < e:
                start = s
    end = start + length
    for s, e in spans:
        if s < end < e:
            end = e
    return start, end


def snippet(text, query, length=120):
    """About `length` characters of `text` around its best match for `query` (a string or a
    ParsedQuery), escaped and highlighted."""
    text = " ".join(_SUBHEAD.sub("", text or "").split())
    parsed = parse_or_none(query)
    spans = _match_spans(text, parsed) if parsed else []
    if len(text) <= length:
        return mark_safe(_marked(text, spans))
    start, end = _window(text, spans, length)
    body = _marked(text[start:end], spans, offset=start)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))
