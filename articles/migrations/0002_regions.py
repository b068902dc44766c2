"""The regional bodies of Huzhou: reference data every page of the archive files stories under."""

from django.db import migrations

REGIONS = [
    # (position, name, slug, kind, parent slug)
    (0, "湖州市", "huzhou", "city", None),
    (1, "吴兴区", "wuxing", "district", "huzhou"),
    (2, "南浔区", "nanxun", "district", "huzhou"),
    (3, "德清县", "deqing", "county", "huzhou"),
    (4, "长兴县", "changxing", "county", "huzhou"),
    (5, "安吉县", "anji", "county", "huzhou"),
    (6, "南太湖新区", "nantaihu", "functional_area", "huzhou"),
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("articles", "Region")
    by_slug = {}
    for position, name, slug, kind, parent in REGIONS:
        by_slug[slug], _ = Region.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "position": position,
                "parent": by_slug.get(parent),
            },
        )


def remove_regions(apps, schema_editor):
    Region = apps.get_model("articles", "Region")
    Region.objects.filter(slug__in=[slug for _, _, slug, _, _ in reversed(REGIONS)]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_regions, remove_regions)]
