"""Keep the search index current, in the same transaction as the change; forget cached
browsing fragments once a change is committed.

A story's index entry holds its own text and its bylines, districts and tags, which arrive after
it (in the admin's inlines, the importer, `loaddata`), so every one of those changes reindexes
the story. Renaming a reporter, region or tag reindexes their stories and teaches the segmenter
the new name.

Deleting many bylines or tagged items at once (a queryset delete) sends one signal per row;
their stories are reindexed once, after the last row is gone, not once per row.
"""

import weakref

from django.db import transaction
from django.db.models.query import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from taggit.models import Tag, TaggedItem

from . import search
from .models import Article, Byline, DictionaryEntry, Region, Reporter, story_content_type

# Bulk deletes in progress: origin queryset → [rows still to delete, story ids to reindex].
_pending_deletes = weakref.WeakKeyDictionary()


def _is_article_tagged_item(item):
    return item.content_type_id == story_content_type().pk


def _deleting_articles(origin):
    """The delete started from stories themselves: their entries go with them."""
    if isinstance(origin, QuerySet):
        return origin.model is Article
    return isinstance(origin, Article)


def article_saved(sender, instance, raw, using, **kwargs):
    search.index_articles([instance.pk], using=using)


def article_deleted(sender, instance, using, **kwargs):
    search.unindex_articles([instance.pk], using=using)


def byline_saved(sender, instance, using, **kwargs):
    search.index_articles([instance.article_id], using=using)


def tagged_item_saved(sender, instance, using, **kwargs):
    if _is_article_tagged_item(instance):
        search.index_articles([instance.object_id], using=using)


def _story_of(instance):
    if isinstance(instance, Byline):
        return instance.article_id
    if isinstance(instance, TaggedItem) and _is_article_tagged_item(instance):
        return instance.object_id
    return None


def part_deleting(sender, instance, origin, **kwargs):
    if isinstance(origin, QuerySet) and not _deleting_articles(origin):
        state = _pending_deletes.setdefault(origin, [0, set()])
        state[0] += 1
        story = _story_of(instance)
        if story is not None:
            state[1].add(story)


def part_deleted(sender, instance, origin, using, **kwargs):
    if _deleting_articles(origin):
        return
    if isinstance(origin, QuerySet):
        state = _pending_deletes.get(origin)
        if state is None:
            return
        state[0] -= 1
        if state[0] == 0:
            del _pending_deletes[origin]
            if state[1]:
                search.index_articles(sorted(state[1]), using=using)
        return
    story = _story_of(instance)
    if story is not None:
        search.index_articles([story], using=using)


def districts_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """Article.districts, from either side: article.districts.add() or region.articles.add()."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            search.index_articles([instance.pk], using=using)
        return
    if action == "pre_clear":
        instance._search_cleared = list(instance.articles.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove") and pk_set:
        search.index_articles(sorted(pk_set), using=using)
    elif action == "post_clear":
        search.index_articles(getattr(instance, "_search_cleared", []), using=using)


def tags_changed(sender, instance, action, reverse, using, **kwargs):
    """Taggit sends these for article.tags.add(), .remove(), .set() and .clear()."""
    if isinstance(instance, Article) and action in ("post_add", "post_remove", "post_clear"):
        search.index_articles([instance.pk], using=using)


def remember_name(sender, instance, raw, using, **kwargs):
    """Note a reporter's, region's or tag's name before a save, to see whether it changes."""
    if instance.pk is None:
        instance._search_old_name = None
        return
    instance._search_old_name = (
        sender._default_manager.using(using)
        .filter(pk=instance.pk)
        .values_list("name", flat=True)
        .first()
    )


def name_saved(sender, instance, created, raw, using, **kwargs):
    old_name = getattr(instance, "_search_old_name", None)
    if sender is not Tag and (created or old_name != instance.name):
        search.names_changed([instance.name], using=using)
    if created or old_name is None or old_name == instance.name:
        return
    # The stories whose index holds the old name: a city's districts' stories do not.
    search.index_articles(Article.objects.using(using).of(instance, with_children=False))


def remember_forms(sender, instance, raw, using, **kwargs):
    """A dictionary entry's name and aliases before a save: stories printing the old ones are
    reindexed too."""
    old = (
        sender._default_manager.using(using).filter(pk=instance.pk).first() if instance.pk else None
    )
    instance._search_old_forms = old.forms() if old else []


def entry_changed(sender, instance, using, **kwargs):
    """An entry was added, changed or deleted: every process relearns the names (in this
    transaction), and once it commits the stories printing them are reindexed."""
    search.names_changed(using=using)
    forms = [*getattr(instance, "_search_old_forms", []), *instance.forms()]
    transaction.on_commit(lambda: search.index_mentions(forms, using=using), using=using)


def connect():
    uid = "articles.search"
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid=f"{uid}.article")
    post_save.connect(byline_saved, sender=Byline, dispatch_uid=f"{uid}.byline")
    post_save.connect(tagged_item_saved, sender=TaggedItem, dispatch_uid=f"{uid}.tagged")
    for part in (Byline, TaggedItem):
        pre_delete.connect(part_deleting, sender=part, dispatch_uid=f"{uid}.{part.__name__}")
        post_delete.connect(part_deleted, sender=part, dispatch_uid=f"{uid}.{part.__name__}")
    m2m_changed.connect(
        districts_changed, sender=Article.districts.through, dispatch_uid=f"{uid}.districts"
    )
    m2m_changed.connect(tags_changed, sender=TaggedItem, dispatch_uid=f"{uid}.tags")
    pre_save.connect(remember_forms, sender=DictionaryEntry, dispatch_uid=f"{uid}.entry")
    post_save.connect(entry_changed, sender=DictionaryEntry, dispatch_uid=f"{uid}.entry")
    post_delete.connect(entry_changed, sender=DictionaryEntry, dispatch_uid=f"{uid}.entry")
    for named in (Reporter, Region, Tag):
        pre_save.connect(remember_name, sender=named, dispatch_uid=f"{uid}.{named.__name__}")
        post_save.connect(name_saved, sender=named, dispatch_uid=f"{uid}.{named.__name__}")
