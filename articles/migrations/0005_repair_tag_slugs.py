"""Give every tag whose slug no URL can hold (empty: a name of punctuation such as …… or ·, which
taggit slugified to nothing) the first free `tag-<n>`. Usable slugs are left alone, so no tag's
page moves. From now on articles.tags.give_usable_slug does this on every save."""

from django.db import migrations

from articles.tags import fallback_slug, is_usable_slug


def repair_tag_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    using = schema_editor.connection.alias
    for tag in Tag.objects.using(using).order_by("pk"):
        if not is_usable_slug(tag.slug):
            tag.slug = fallback_slug(Tag, using)
            tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_search_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(repair_tag_slugs, migrations.RunPython.noop)]
