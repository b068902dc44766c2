"""Tags as editors type them and as readers reach them.

taggit's own rules fit English: its slug is the name slugified, which is empty for a name of
punctuation (……, ·) and then no page can link the tag; its edit string splits only on ASCII commas
and quotes names in a way that a name holding a quote does not survive. Here:

- every tag gets a usable slug: taggit's (Unicode: 反邪教 stays 反邪教), or `tag-<n>` when that
  is empty or could not be put in a URL; a usable slug is never changed, so tag URLs stay put;
- a tag whose slug was written behind the ORM's back and cannot be linked is shown unlinked,
  never a NoReverseMatch (`tag_url`);
- the story form splits names on the Chinese comma and enumeration comma too (国庆，旅游、古镇),
  and a name holding a separator, a space or a quote is written back quoted ("平安、法治"), a quote
  doubled, so that saving a story unchanged never changes its tags.
"""

import re

from django.urls import NoReverseMatch, reverse

# What `<str:slug>` in articles/urls.py accepts and a SlugField(allow_unicode=True) validates.
USABLE_SLUG = re.compile(r"[-\w]+\Z")
FALLBACK_SLUG_PREFIX = "tag-"
SEPARATORS = ",，、"
QUOTE = '"'


def is_usable_slug(slug):
    return bool(slug) and USABLE_SLUG.match(slug) is not None


def fallback_slug(tag_model, using=None):
    """The first free `tag-<n>`."""
    manager = tag_model._default_manager.db_manager(using)
    taken = set(
        manager.filter(slug__startswith=FALLBACK_SLUG_PREFIX).values_list("slug", flat=True)
    )
    n = 1
    while f"{FALLBACK_SLUG_PREFIX}{n}" in taken:
        n += 1
    return f"{FALLBACK_SLUG_PREFIX}{n}"


def give_usable_slug(sender, instance, raw=False, using=None, **kwargs):
    """pre_save of taggit's Tag, however it is saved (the story form, the tag admin, a merge,
    Tag.objects.create, loaddata): a slug no URL can hold becomes `tag-<n>`."""
    if not is_usable_slug(instance.slug):
        instance.slug = fallback_slug(sender, using)


def tag_url(tag):
    """The tag's page, or "" when its stored slug cannot be linked."""
    if not is_usable_slug(tag.slug):
        return ""
    try:
        return reverse("articles:tag-detail", args=[tag.slug])
    except NoReverseMatch:
        return ""


# --- The story form's tag string ------------------------------------------------------------


def _split_quoted(text):
    """(quoted names, unquoted chunks, whether a separator stood outside quotes)."""
    quoted, chunks, buffer = [], [], []
    saw_separator = False
    i = 0
    while i < len(text):
        char = text[i]
        if char != QUOTE:
            saw_separator = saw_separator or char in SEPARATORS
            buffer.append(char)
            i += 1
            continue
        chunks.append("".join(buffer))
        buffer = []
        # A quoted name runs to the next lone quote; a doubled quote inside is one quote.
        i += 1
        name = []
        while i < len(text):
            if text[i] == QUOTE and text[i + 1 : i + 2] == QUOTE:
                name.append(QUOTE)
                i += 2
            elif text[i] == QUOTE:
                i += 1
                break
            else:
                name.append(text[i])
                i += 1
        quoted.append("".join(name))
    chunks.append("".join(buffer))
    return quoted, chunks, saw_separator


def parse_tags(text):
    """Tag names from what an editor typed, sorted and without repeats (TAGGIT_TAGS_FROM_STRING).

    Commas (, ，) and the enumeration comma (、) separate names; where there is none, spaces do,
    as in taggit. Double quotes keep a name whole ("平安、法治"); "" inside them is a quote.
    """
    if not text:
        return []
    quoted, chunks, saw_separator = _split_quoted(text)
    pattern = f"[{SEPARATORS}]" if saw_separator else r"\s"
    names = [name.strip() for name in quoted]
    for chunk in chunks:
        names.extend(part.strip() for part in re.split(pattern, chunk))
    return sorted({name for name in names if name})


def edit_string_for_tags(tags):
    """The tags as the story form shows them, so that `parse_tags` gives them back unchanged
    (TAGGIT_STRING_FROM_TAGS)."""
    names = []
    for tag in tags:
        name = tag.name
        if any(char in SEPARATORS or char == QUOTE or char.isspace() for char in name):
            name = QUOTE + name.replace(QUOTE, QUOTE * 2) + QUOTE
        names.append(name)
    return ", ".join(sorted(names))
