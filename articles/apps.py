from django.apps import AppConfig
from django.db.models.signals import pre_save


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "新闻稿件"

    def ready(self):
        from taggit.models import Tag

        from . import redirects, signals, tags

        signals.connect()
        redirects.connect()
        pre_save.connect(tags.give_usable_slug, sender=Tag, dispatch_uid="articles.tag_slug")
