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
import uuid
from itertools import accumulate

import opencc
import rjieba
from django.apps import apps as global_apps
from django.core.cache import cache

MAX_WORD_LENGTH = 60

# People named in the stories, so that 夏文星 is one word rather than 夏 / 文星. Reporters'
# and regions' names are read from the database.
NAMES_IN_STORIES = ("夏文星", "王宝龙", "杨卫东", "石一婷")

DICTIONARY_VERSION_KEY = "articles:search:dictionary-version"

WORD = re.compile(r"[^\W_]+")

_t2s = opencc.OpenCC("t2s")
_jieba = rjieba.Jieba()
_dictionary_lock = threading.Lock()
_dictionary_version = None


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


# --- The dictionary of names ----------------------------------------------------------------


def add_names(names):
    """Teach the segmenter names, in this process, e.g. a reporter just saved."""
    with _dictionary_lock:
        for name in names:
            name = normalize(name.strip())
            if 2 <= len(name) <= 20 and WORD.fullmatch(name):
                _jieba.add_word(name, None, None)


def names_changed(names):
    """A reporter or region was named: learn it here, and tell other processes to reload."""
    global _dictionary_version
    ensure_dictionary()
    add_names(names)
    _dictionary_version = uuid.uuid4().hex
    cache.set(DICTIONARY_VERSION_KEY, _dictionary_version, None)


def ensure_dictionary(apps=global_apps):
    """Load the archive's names once per process, and again when another process added some."""
    global _dictionary_version
    version = cache.get(DICTIONARY_VERSION_KEY, "initial")
    if version == _dictionary_version:
        return
    Reporter = apps.get_model("articles", "Reporter")
    Region = apps.get_model("articles", "Region")
    names = [*NAMES_IN_STORIES]
    names += Reporter.objects.values_list("name", flat=True)
    names += Region.objects.values_list("name", flat=True)
    add_names(names)
    _dictionary_version = version
