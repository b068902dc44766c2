"""What a story's card shows besides the story (its bylines with their reporters, its
districts, its tags), read for a whole page of stories in one query.

Django's prefetch_related takes a query per relation, three, and builds a queryset per story
and relation: more time than the queries themselves. Here one UNION ALL reads the three, each
reporter, region and tag is made once however many cards show it, and each story gets the
lists that `story.bylines.all()`, `story.districts.all()` and `story.tags.all()` then return
without a query (Django's and taggit's managers read a prefetched list first).
"""

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

# Each row: (relation, story id, link id, link order, object id, name, slug, text, text,
# number). Bylines: role, agency; districts: the region's kind, its parent's id, its position
# as the link order.
CARDS_SQL = """
SELECT 'bylines', byline.article_id, byline.id, byline."order", reporter.id, reporter.name,
       reporter.slug, byline.role, byline.agency, NULL
FROM articles_byline byline JOIN articles_reporter reporter ON reporter.id = byline.reporter_id
WHERE byline.article_id IN ({ids})
UNION ALL
SELECT 'districts', link.article_id, link.id, region.position, region.id, region.name,
       region.slug, region.kind, NULL, region.parent_id
FROM articles_article_districts link JOIN articles_region region ON region.id = link.region_id
WHERE link.article_id IN ({ids})
UNION ALL
SELECT 'tags', item.object_id, item.id, 0, tag.id, tag.name, tag.slug, NULL, NULL, NULL
FROM taggit_taggeditem item JOIN taggit_tag tag ON tag.id = item.tag_id
WHERE item.content_type_id = %s AND item.object_id IN ({ids})
"""


class CardIterable(ModelIterable):
    """Stories, each with its card's bylines, districts and tags (ArticleQuerySet.for_listing).
    A queryset keeps its iterable when filtered, sliced or fetched by in_bulk; values() and
    values_list() replace it, and read no cards."""

    def __iter__(self):
        stories = list(super().__iter__())
        attach_cards(stories, self.queryset.db)
        yield from stories


def attach_cards(stories, using):
    if not stories:
        return
    from .models import story_content_type

    ids = [story.pk for story in stories]
    placeholders = ", ".join(["%s"] * len(ids))
    params = [*ids, *ids, story_content_type().pk, *ids]
    with connections[using].cursor() as cursor:
        cursor.execute(CARDS_SQL.format(ids=placeholders), params)
        rows = cursor.fetchall()
    relations = card_relations()
    found = {(story.pk, relation): [] for story in stories for relation in relations}
    make = Objects(using)
    for relation, story_id, link_id, order, *fields in sorted(rows, key=sort_key):
        found[(story_id, relation)].append(make(relation, link_id, order, story_id, *fields))
    for story in stories:
        cache = story.__dict__.setdefault("_prefetched_objects_cache", {})
        for relation, model in relations.items():
            cache[relation] = prefetched(model, found[(story.pk, relation)], story, relation)


def sort_key(row):
    """Bylines by their order, districts as regions are ordered (position, name), tags in the
    order they were added."""
    relation, story_id, link_id, order, _, name, *_ = row
    return (relation, story_id, order, name if relation == "districts" else "", link_id)


def prefetched(model, objects, story, relation):
    """A queryset that holds `objects` already, as prefetch_related leaves one."""
    queryset = CardList(model=model)
    queryset._result_cache = objects
    queryset._prefetch_done = True
    queryset.story, queryset.relation = story, relation
    return queryset


class CardList(QuerySet):
    """A story's prefetched bylines, districts or tags. Read as they are (`all()`, iterated,
    counted), they run no query. Anything made from them (`filter()`, `values_list()`, the
    `using()` that `set()` and `add()` start from, taggit's `names()`) is made from the story's
    own related queryset, filtered to the story, as with prefetch_related; built only then,
    because building one per story and relation is what made prefetch_related slow."""

    def _chain(self):
        cache = self.story._prefetched_objects_cache
        mine = cache.pop(self.relation)
        try:
            related = getattr(self.story, self.relation).get_queryset()
        finally:
            cache[self.relation] = mine
        return related._chain()


class Objects:
    """Makes a card's objects from CARDS_SQL's rows, each reporter, region and tag once."""

    def __init__(self, using):
        self.using = using
        self.made = {}

    def __call__(self, relation, link_id, order, story_id, obj_id, name, slug, text, text2, number):
        from .models import Byline, Region, Reporter

        if relation == "bylines":
            reporter = self.once(Reporter, obj_id, ["id", "name", "slug"], [obj_id, name, slug])
            fields = ["id", "article_id", "reporter_id", "role", "agency", "order"]
            byline = self.model(Byline, fields, [link_id, story_id, obj_id, text, text2, order])
            byline.reporter = reporter
            return byline
        if relation == "districts":
            fields = ["id", "name", "slug", "kind", "parent_id", "position"]
            return self.once(Region, obj_id, fields, [obj_id, name, slug, text, number, order])
        from taggit.models import Tag

        return self.once(Tag, obj_id, ["id", "name", "slug"], [obj_id, name, slug])

    def once(self, model, pk, fields, values):
        key = (model, pk)
        if key not in self.made:
            self.made[key] = self.model(model, fields, values)
        return self.made[key]

    def model(self, model, fields, values):
        # Fields left out (a reporter's is_generated) are deferred: read if ever asked for.
        return model.from_db(self.using, fields, values)


def card_relations():
    """Each relation a card shows → its model: the names of the stories' prefetch caches."""
    from taggit.models import Tag

    from .models import Byline, Region

    return {"bylines": Byline, "districts": Region, "tags": Tag}
