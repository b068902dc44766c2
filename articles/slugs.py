"""Readable, stable ASCII slugs for Chinese names, in Hanyu Pinyin.

徐冬梅 → xu-dongmei: surname, then given name, the way names are romanised in print.
"""

import re

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slug(name):
    name = name.strip()
    syllables = [s for s in lazy_pinyin(name) if s.strip()]
    if not syllables:
        return slugify(name) or "x"
    if len(syllables) > 1 and all(re.fullmatch(r"[a-z]+", s) for s in syllables):
        # A personal name: surname apart from the given name.
        slug = f"{syllables[0]}-{''.join(syllables[1:])}"
    else:
        slug = "-".join(syllables)
    return slugify(slug) or "x"
