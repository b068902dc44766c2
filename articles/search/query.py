"""What a reader typed, parsed once into a ParsedQuery that every later step takes."""

import re
import unicodedata
from dataclasses import dataclass

from .lexicon import ensure_dictionary
from .text import normalize, positioned_words, tokenize

# Longer queries are refused: nobody types more, and each word costs an index lookup.
MAX_QUERY_LENGTH = 200

_QUOTES = str.maketrans({q: '"' for q in "“”„‟「」『』＂〝〞"})
_PHRASE = re.compile(r'"([^"]*)"?')


class InvalidQuery(ValueError):
    """A query the search refuses; the message is for readers."""


@dataclass(frozen=True)
class ParsedQuery:
    """What a reader asked for: words that must all appear, and phrases in quotes."""

    text: str  # as typed, cleaned of control characters: shown back in the search box
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[tuple[str, int], ...], ...] = ()  # (word, letter offset) each

    def __bool__(self):
        return bool(self.words or self.phrases)

    def __str__(self):
        return self.text

    @property
    def terms(self):
        """Every word to highlight."""
        return set(self.words) | {word for phrase in self.phrases for word, _ in phrase}


def clean_input(text):
    """Drop what no reader types: NUL and other control characters, lone surrogates."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" " if char.isspace() else "")
        elif category not in ("Cs", "Cn"):
            kept.append(char)
    return " ".join("".join(kept).split())


def parse_query(raw):
    """Parse what a reader typed (a ParsedQuery is returned as it is). Raises InvalidQuery for
    input that is refused."""
    if isinstance(raw, ParsedQuery):
        return raw
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"检索词太长了：请不要超过 {MAX_QUERY_LENGTH} 个字。")
    text = clean_input(raw)
    ensure_dictionary()
    words, phrases = [], []
    quoted = text.translate(_QUOTES)
    for phrase_text in _PHRASE.findall(quoted):
        phrase, _ = positioned_words(phrase_text, mode="default")
        if len(phrase) == 1:
            words.append(phrase[0][0])
        elif phrase:
            phrases.append(tuple(phrase))
    for chunk in _PHRASE.sub(" ", quoted).split():
        words += [word for word, _, _ in tokenize(normalize(chunk), mode="default")]
    return ParsedQuery(text=text, words=tuple(dict.fromkeys(words)), phrases=tuple(phrases))


def parse_or_none(query):
    """The parsed query, or None for one that is refused or holds no words (nothing to mark)."""
    try:
        parsed = parse_query(query)
    except InvalidQuery:
        return None
    return parsed or None
