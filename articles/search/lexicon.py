"""The names the segmenter knows, kept in step with the database in every process.

Reporters', regions' and the editors' dictionary's names (with its aliases) are taught to the
segmenter so that 夏文星 is one word, not 夏 / 文星. Any change to them writes a new token to
``DictionaryVersion`` in the transaction of the change; each process compares that token with
the one it loaded (read with the archive's state on a reader's page, else one query by primary
key, made when a query is parsed or stories are indexed) and reloads the names when they
differ. So a name an editor adds is learned by every process, and a name taken out is
forgotten, with or without a shared cache.

Besides the words, the lexicon holds what the names mean to search: an alias stands for its
entry's name (both are indexed wherever either is printed), and the pinyin of each name
(``caokailin`` → 曹凯琳).
"""

import re
import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from pypinyin import lazy_pinyin

from ..generation import request_state
from .text import learnable, teach

NO_ROW = "no-row"  # a database without the version row (yet)
BEFORE_DICTIONARY = "before-dictionary"  # a migration from before the dictionary

_ALIAS_SEPARATORS = re.compile(r"[\n\r,，、;；]+")
_PINYIN_QUERY = re.compile(r"[a-z][a-z\s'’-]*")
_SLUG_NUMBER = re.compile(r"-\d+$")


@dataclass(frozen=True)
class Lexicon:
    version: str | None = None
    words: frozenset = frozenset()  # normalised, as taught to the segmenter
    synonyms: dict = field(default_factory=dict)  # a form → the other forms of its entry
    names: tuple = ()  # (name, slug) of every reporter, region and entry

    @cached_property
    def pinyin(self):
        """A pinyin key → names, in order. Made on the first pinyin query, not on every load:
        a name's pinyin takes about half a millisecond."""
        keys = {}
        for name, slug in self.names:
            for key in pinyin_keys(name, slug):
                keys.setdefault(key, []).append(name)
        return {key: tuple(dict.fromkeys(found)) for key, found in keys.items()}

    def expand(self, words):
        """`words` and every form that stands for one of them."""
        expanded = set(words)
        for word in words:
            expanded.update(self.synonyms.get(word, ()))
        return expanded

    def names_for_pinyin(self, text):
        """Names whose pinyin `text` is (caokailin, cao kailin, Nanxun), or ()."""
        text = text.strip().lower()
        if not _PINYIN_QUERY.fullmatch(text):
            return ()
        return self.pinyin.get(re.sub(r"[^a-z]", "", text), ())


_lexicon = Lexicon()
_lock = threading.Lock()


def current():
    """The lexicon this process has loaded (see ensure_dictionary to bring it up to date)."""
    return _lexicon


def pinyin_names(text):
    """Reporters', regions' and entries' names whose pinyin `text` is: caokailin → 曹凯琳."""
    return _lexicon.names_for_pinyin(text)


def stored_version(apps=global_apps, using=DEFAULT_DB_ALIAS):
    if apps is global_apps:
        # A reader's page read the token with the archive's state, at its start (it writes
        # nothing: editors' requests and every write read the state afresh, not kept).
        state = request_state()
        if state is not None and state.dictionary_version is not None:
            return state.dictionary_version
    try:
        DictionaryVersion = apps.get_model("articles", "DictionaryVersion")
    except LookupError:
        return BEFORE_DICTIONARY
    token = DictionaryVersion.objects.using(using).filter(pk=1).values_list("token", flat=True)
    return token.first() or NO_ROW


def ensure_dictionary(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """The current lexicon: loaded once per process, and again whenever the names changed."""
    global _lexicon
    version = stored_version(apps, using)
    if version == _lexicon.version:
        return _lexicon
    with _lock:
        if version != _lexicon.version:
            lexicon = _load(version, apps, using)
            teach(added=lexicon.words - _lexicon.words, removed=_lexicon.words - lexicon.words)
            _lexicon = lexicon
    return _lexicon


def names_changed(names=(), using=DEFAULT_DB_ALIAS):
    """A name the segmenter knows was added, changed or removed: every process reloads."""
    from articles.models import DictionaryVersion

    DictionaryVersion.bump(using)


def entry_forms(name, aliases):
    """A dictionary entry's name and its aliases (one a line, or separated by commas)."""
    forms = (form.strip() for form in _ALIAS_SEPARATORS.split(f"{name}\n{aliases or ''}"))
    return [form for form in dict.fromkeys(forms) if form]


def pinyin_keys(name, slug=""):
    """曹凯琳 → caokailin; 南浔区 (slug nanxun) → nanxunqu and nanxun."""
    keys = {"".join(lazy_pinyin(name)).lower()}
    if slug:
        keys.add(_SLUG_NUMBER.sub("", slug).replace("-", ""))
    return {key for key in keys if key.isascii() and key.isalpha()}


def _load(version, apps, using):
    names = []  # (name, slug, forms)
    for model_name in ("Reporter", "Region"):
        model = apps.get_model("articles", model_name)
        names += [(n, s, [n]) for n, s in model.objects.using(using).values_list("name", "slug")]
    try:
        Entry = apps.get_model("articles", "DictionaryEntry")
    except LookupError:
        Entry = None
    if Entry is not None:
        for name, slug, aliases in Entry.objects.using(using).values_list(
            "name", "slug", "aliases"
        ):
            names.append((name, slug, entry_forms(name, aliases)))
    words, synonyms = set(), {}
    for _, _, forms in names:
        taught = [word for word in map(learnable, forms) if word]
        words.update(taught)
        for word in taught if len(taught) > 1 else ():
            synonyms.setdefault(word, set()).update(w for w in taught if w != word)
    return Lexicon(
        version=version,
        words=frozenset(words),
        synonyms={word: tuple(sorted(others)) for word, others in synonyms.items()},
        names=tuple((name, slug) for name, slug, _ in names),
    )
