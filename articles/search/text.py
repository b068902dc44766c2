"""Text as the index sees it: normalised, then cut into words by a segmenter that knows the
archive's names.

Normalising is NFKC, lower case and Traditional → Simplified (OpenCC), one character out for
each character in, so that offsets in the normalised text are offsets in the original too.
Segmenting is rjieba in search mode (南太湖新区 also yields 南太湖, 太湖, 新区). Word positions
count letters and digits only, so that a phrase means the same thing on both databases: its
words next to each other, in order, whatever punctuation the story prints between them.
"""

import re
import threading
import unicodedata
from itertools import accumulate

import opencc
import rjieba

MAX_WORD_LENGTH = 60

WORD = re.compile(r"[^\W_]+")

_t2s = opencc.OpenCC("t2s")
# One segmenter a process: making one loads jieba's dictionary (1-2 s), so names are added to
# it and taken out again rather than starting afresh (see lexicon.py).
_jieba = rjieba.Jieba()
_segmenter_lock = threading.Lock()


def _normalize_whole(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return _t2s.convert(text)


def normalize(text):
    """NFKC, lower case, Simplified: one character out for each character in.

    Keeping the length lets highlighting use offsets in the normalised text on the original.
    """
    normalized = _normalize_whole(text)
    if len(normalized) == len(text):
        return normalized
    # Rare: a ligature or a phrase conversion changed the length. Go character by character,
    # keeping any character whose normal form is not exactly one character.
    chars = []
    for char in text:
        converted = _normalize_whole(char)
        chars.append(converted if len(converted) == 1 else char)
    return "".join(chars)


def tokenize(normalized, mode="search"):
    """(word, start, end) for each word of already normalised text; letters and digits only."""
    for word, start, end in _jieba.tokenize(normalized, mode=mode):
        if word.isalnum():  # nearly every word: no need for the regular expression
            if len(word) <= MAX_WORD_LENGTH:
                yield word, start, end
            continue
        for match in WORD.finditer(word):
            if match.end() - match.start() <= MAX_WORD_LENGTH:
                yield match.group(), start + match.start(), start + match.end()


def letter_offsets(text):
    """offsets[i]: how many letters and digits come before text[i]."""
    return list(accumulate((char.isalnum() for char in text), initial=0))


def positioned_words(text, mode="search"):
    """(word, position), position counting letters and digits only; also the letter count."""
    normalized = normalize(text)
    offsets = letter_offsets(normalized)
    return [(w, offsets[s]) for w, s, _ in tokenize(normalized, mode)], offsets[-1]


def teach(added=(), removed=()):
    """Teach the segmenter words (whole names), and make it forget others."""
    with _segmenter_lock:
        for word in removed:
            _jieba.add_word(word, 0, None)  # a frequency of 0 takes a word out again
        for word in added:
            _jieba.add_word(word, None, None)


def learnable(name):
    """A name in the form the segmenter learns it, or None for one it cannot learn."""
    name = normalize(name.strip())
    return name if 2 <= len(name) <= 20 and WORD.fullmatch(name) else None
