from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "新闻稿件"

    def ready(self):
        from . import redirects, signals

        signals.connect()
        redirects.connect()
