"""The editors' dictionary: people, places, organisations and terms the segmenter must know as
whole words (夏文星 rather than 夏 / 文星), with their aliases (a district's former name).

Models are imported into articles.models, so that Django finds them there.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import StrIndex
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from pypinyin import lazy_pinyin

from .search.lexicon import entry_forms
from .search.text import learnable
from .slugs import pinyin_slug


class DictionaryEntryQuerySet(models.QuerySet):
    def people(self):
        return self.filter(kind=DictionaryEntry.Kind.PERSON)

    def mentioned_in(self, article):
        """Entries whose name the story prints, first mentioned first, in one query."""
        text = "\n".join([article.kicker, article.headline, article.subheadline, article.body])
        return self.alias(at=StrIndex(Value(text), "name")).filter(at__gt=0).order_by("at", "slug")


class DictionaryEntry(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "人物"
        PLACE = "place", "地名"
        ORGANIZATION = "organization", "机构"
        TERM = "term", "术语"

    name = models.CharField(
        "名称", max_length=20, unique=True, help_text="稿件里的写法，如“夏文星”。"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    aliases = models.TextField(
        "别名",
        blank=True,
        help_text="每行一个（也可用顿号、逗号分隔），如地区的旧称。检索别名也能找到这个词条的稿件。",
    )
    description = models.CharField(
        "说明", max_length=200, blank=True, help_text="如职务，显示在人物页上。"
    )
    slug = models.SlugField("网址名", max_length=60, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = DictionaryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "词条"
        verbose_name_plural = "词典"
        ordering = ["kind", "slug"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            from .models import unique_slug

            self.slug = unique_slug(DictionaryEntry, self.base_slug())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.kind == self.Kind.PERSON:
            return reverse("articles:person-detail", args=[self.slug])
        return f"{reverse('articles:search')}?{urlencode({'q': self.name})}"

    def base_slug(self):
        """xia-wenxing for a person (surname apart, as for reporters); ping-an-nan-tai-hu for
        anything else, whose syllables have no surname to set apart."""
        if self.kind == self.Kind.PERSON:
            return pinyin_slug(self.name)
        return slugify("-".join(lazy_pinyin(self.name))) or pinyin_slug(self.name)

    def clean(self):
        unlearnable = [form for form in self.forms() if not learnable(form)]
        if unlearnable and unlearnable[0] == self.name:
            raise ValidationError({"name": "名称应为 2 到 20 个汉字、字母或数字，不含空格和标点。"})
        if unlearnable:
            raise ValidationError(
                {"aliases": f"别名“{unlearnable[0]}”应为 2 到 20 个汉字、字母或数字，不含标点。"}
            )

    def forms(self):
        """The name and its aliases."""
        return entry_forms(self.name, self.aliases)

    def alias_list(self):
        return self.forms()[1:]


class DictionaryVersion(models.Model):
    """One row: a token that changes whenever a name the segmenter knows changes (a dictionary
    entry, a reporter, a region). Every process compares it with the token of the names it
    loaded, so that a name an editor adds is learned by every process, with or without a
    shared cache; it is written in the transaction of the change."""

    token = models.CharField("版本", max_length=32)

    class Meta:
        verbose_name = "词典版本"
        verbose_name_plural = "词典版本"

    def __str__(self):
        return self.token

    @classmethod
    def bump(cls, using=None):
        token = uuid.uuid4().hex
        manager = cls.objects.db_manager(using)
        if not manager.filter(pk=1).update(token=token):
            manager.create(pk=1, token=token)
        return token
