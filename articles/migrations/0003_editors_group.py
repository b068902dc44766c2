"""The `editors` group: story editors may add, change and view stories and what hangs on them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "articles": ["article", "byline", "reporter", "region"],
    "taggit": ["tag", "taggeditem"],
}
ACTIONS = ["add", "change", "view"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        # Historical app configs have no models module; create_permissions() skips those.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [
        f"{action}_{model}" for models in EDITOR_PERMISSIONS.values() for model in models
        for action in ACTIONS
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=list(EDITOR_PERMISSIONS), codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
