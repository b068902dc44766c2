"""The editors' desk: stories, bylines, reporters and regions, with every version kept."""

import json

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from taggit.forms import TagField, TagWidget
from taggit.models import Tag, TaggedItem

from .models import Article, Byline, DictionaryEntry, Region, Reporter, story_content_type
from .redirects import record_merge
from .search import InvalidQuery
from .validators import publication_year

admin.site.site_header = "湖州新闻档案 · 编辑部"
admin.site.site_title = "湖州新闻档案编辑部"
admin.site.index_title = "稿件与署名"

# A story's bylines, tags and districts are part of the story: they are versioned, restored and
# recovered with it. Districts need nothing here (a plain many-to-many is stored on the story's
# own version); bylines and taggit's tag links are rows of their own, so they are followed.
reversion.register(Byline)
reversion.register(TaggedItem)
reversion.register(Article, follow=("bylines", "tagged_items"))


def revision_label(revision):
    return localize(template_localtime(revision.date_created))


def keep_version(obj, comment):
    """A version of `obj` as it stands, in a revision of its own, saved at once: reversion keeps
    versions only of objects that still exist when their revision is saved, so this must come
    before a delete. No user: it records the object as it was, not anybody's edit."""
    with reversion.create_revision():
        reversion.add_to_revision(obj)
        reversion.set_comment(comment)


def keep_original(obj):
    """Stories arrive by import, not through the admin, so they have no version yet: keep one
    of the object as it stands before its first change, so that change can be undone."""
    if not Version.objects.get_for_object(obj).exists():
        keep_version(obj, "修改前的原始版本。")


# The largest primary key the databases store (a 64-bit integer).
MAX_PK = 2**63 - 1


class SelectionCheckMixin:
    """A changelist action posted with a selection that cannot be a primary key (`abc`, a
    number of forty digits, typed or forged) gets a message, not a 500 from the query."""

    def response_action(self, request, queryset):
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_PK):
                self.message_user(request, "所选条目无效，请重新选择。", messages.WARNING)
                return redirect(request.get_full_path())
        return super().response_action(request, queryset)


class DateHierarchyCheckMixin:
    """Django's date hierarchy turns ?published_on__year=<forty digits> into an OverflowError
    (it catches only ValueError); a part that is not a plain short number gets the changelist's
    own answer to a bad filter instead (?e=1, "the filter is invalid")."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            for part, digits in (("year", 4), ("month", 2), ("day", 2)):
                value = request.GET.get(f"{self.date_hierarchy}__{part}")
                if value is not None and not (
                    value.isascii() and value.isdigit() and len(value) <= digits
                ):
                    return redirect(f"{request.path}?e=1")
        return super().changelist_view(request, extra_context)


class EditorialVersionAdmin(SelectionCheckMixin, VersionAdmin):
    """django-reversion's admin, plus a history that shows each version and restores it in one
    click, and a snapshot before every delete so that deleted objects can be recovered."""

    object_history_template = "admin/editorial_history.html"
    history_latest_first = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self.keep_original(request, unquote(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def keep_original(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_change_permission(request, obj):
            keep_original(obj)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            return super().history_view(request, object_id, extra_context)
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        versions = (
            Version.objects.get_for_object_reference(self.model, unquote(object_id))
            .select_related("revision__user")
            .order_by("-revision__date_created", "-pk")
        )
        rows = [
            {
                "version": version,
                "revision": version.revision,
                "view_url": reverse(
                    "{}:{}_{}_revision".format(*info), args=[quote(object_id), version.pk]
                ),
                "restore_url": reverse(
                    "{}:{}_{}_restore".format(*info), args=[quote(object_id), version.pk]
                ),
            }
            for version in versions
        ]
        context = {"versions": rows, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def restore_view(self, request, object_id, version_id):
        """Put the object back as it was in one version, as a new version of its own."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_for_object_reference(self.model, object_id), pk=version_id
        )
        history_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[quote(object_id)],
        )
        when = revision_label(version.revision)
        try:
            with transaction.atomic(), self.create_revision(request):
                version.revision.revert(delete=True)
                # A plain save after the raw restore: updated_at moves on (so cached copies of the
                # page go stale) and post_save listeners such as the search index see the story.
                obj = self.model._default_manager.get(pk=obj.pk)
                obj.save()
                reversion.add_to_revision(obj)
                self.log_change(request, obj, f"恢复到 {when} 的版本。")
        except (RevertError, ProtectedError, IntegrityError) as error:
            self.message_user(request, f"无法恢复 {when} 的版本：{error}", messages.ERROR)
            return redirect(history_url)
        self.message_user(request, f"已恢复到 {when} 的版本。", messages.SUCCESS)
        return redirect(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
            quote(obj.pk),
        )

    def delete_model(self, request, obj):
        keep_version(obj, "删除前的版本。")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            keep_version(obj, "删除前的版本。")
        super().delete_queryset(request, queryset)


# --- Stories --------------------------------------------------------------------------------


class ArticleAdminForm(forms.ModelForm):
    # Names are split and written back by articles/tags.py (TAGGIT_TAGS_FROM_STRING): Chinese
    # commas separate too, and a saved story's tags come back unchanged.
    tags = TagField(
        label="标签",
        required=False,
        widget=TagWidget(attrs={"size": 60}),
        help_text="用逗号或顿号分隔，如：国庆，旅游、古镇。名称本身含逗号、顿号或空格时加英文双引号。",
    )

    class Meta:
        model = Article
        fields = [
            "kicker",
            "headline",
            "subheadline",
            "published_on",
            "date_is_estimated",
            "editorial_note",
            "page",
            "position",
            "districts",
            "tags",
            "dateline",
            "body",
        ]
        widgets = {
            "headline": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "body": forms.Textarea(attrs={"rows": 24, "cols": 80}),
            "editorial_note": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }
        error_messages = {
            "headline": {"required": "请填写主题（标题）。"},
            "body": {"required": "正文不能为空。"},
            "published_on": {
                "required": "请填写见报日期。",
                "invalid": "见报日期的格式应为 2021-09-30。",
            },
        }


class BylineForm(forms.ModelForm):
    class Meta:
        model = Byline
        fields = ["order", "role", "agency", "reporter"]
        error_messages = {
            "reporter": {"required": "署名必须选择记者。"},
            "role": {"required": "署名必须选择身份（如“本报记者”）。"},
        }


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    fields = ["order", "role", "agency", "reporter"]
    autocomplete_fields = ["reporter"]
    verbose_name = "署名"
    verbose_name_plural = "署名（按顺序号排列，小的在前）"

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1

    def has_delete_permission(self, request, obj=None):
        # Taking a wrong credit off a story is editing the story, like removing a tag or a
        # district, and is versioned with it; editors have no delete permission on bylines
        # as such, so it follows the permission to change the story.
        return request.user.has_perm("articles.change_article")


class YearListFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Article.objects.dates("published_on", "year", order="DESC")
        return [(str(day.year), f"{day.year}年") for day in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # ?year=0, 10000, ² or a number of a hundred digits: no story, rather than a 500.
        year = publication_year(self.value())
        return queryset.none() if year is None else queryset.filter(published_on__year=year)


class ArticleChangeList(ChangeList):
    """The story list, best match first while searching (as on the site) unless the editor
    sorts by a column."""

    def get_ordering(self, request, queryset):
        if "search_rank" in queryset.query.annotations and not self.params.get(ORDER_VAR):
            return ["-search_rank", "-published_on", "-pk"]
        return super().get_ordering(request, queryset)


@admin.register(Article)
class ArticleAdmin(DateHierarchyCheckMixin, EditorialVersionAdmin):
    form = ArticleAdminForm
    inlines = [BylineInline]
    change_form_template = "admin/articles/article/change_form.html"
    revision_form_template = "admin/articles/article/revision_form.html"
    recover_form_template = "admin/articles/article/recover_form.html"
    list_display = ["headline", "date_display", "bylines_display", "districts_display", "tag_count"]
    list_filter = [
        ("bylines__reporter", admin.RelatedOnlyFieldListFilter),
        ("districts", admin.RelatedOnlyFieldListFilter),
        "tags",
        YearListFilter,
        "date_is_estimated",
    ]
    date_hierarchy = "published_on"
    list_per_page = 50
    # The box needs a field to appear; the search itself is the site's (get_search_results).
    search_fields = ["headline"]
    search_help_text = "与网站相同的中文全文检索：主题、正文、记者、地区、标签。"
    autocomplete_fields = ["districts", "page"]
    readonly_fields = ["body_preview", "created_at", "updated_at"]
    fieldsets = [
        ("标题", {"fields": ["kicker", "headline", "subheadline"]}),
        # The bylines inline is shown right after this first group (see change_form.html).
        (
            "见报日期与来源",
            {
                "fields": [
                    ("published_on", "date_is_estimated"),
                    "editorial_note",
                    ("page", "position"),
                ],
            },
        ),
        ("地区与标签", {"fields": ["districts", "tags"]}),
        ("正文", {"fields": ["dateline", "body", "body_preview"]}),
        ("记录", {"classes": ["collapse"], "fields": [("created_at", "updated_at")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        try:
            return queryset.search(search_term), False
        except InvalidQuery as error:
            self.message_user(request, f"无法检索“{search_term}”：{error}", messages.WARNING)
            return queryset.none(), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Version the story again now that its bylines, tags and districts are saved: the
        # version taken when the story row itself was saved still had the old ones.
        reversion.add_to_revision(form.instance)

    @admin.display(description="见报日期", ordering="published_on")
    def date_display(self, obj):
        date = f"{obj.published_on:%Y-%m-%d}"
        return f"{date}（推定）" if obj.date_is_estimated else date

    @admin.display(description="署名")
    def bylines_display(self, obj):
        return "、".join(f"{b.get_role_display()} {b.reporter.name}" for b in obj.bylines.all())

    @admin.display(description="地区")
    def districts_display(self, obj):
        return "、".join(region.name for region in obj.districts.all())

    @admin.display(description="标签数")
    def tag_count(self, obj):
        return len(obj.tags.all())

    @admin.display(description="正文预览（已保存的版本）")
    def body_preview(self, obj):
        if obj is None or obj.pk is None:
            return "保存后在这里显示正文在网站上的排版。"
        return render_to_string("includes/story_body.html", {"article": obj})


# --- Reporters and regions ------------------------------------------------------------------


def touch_stories(stories):
    """Mark stories as changed, so that cached copies of their pages are not served again."""
    stories.update(updated_at=timezone.now())


def repoint_byline_history(old_reporter_ids, new_reporter_id):
    """Make old versions of bylines name the reporter they were merged into, so that restoring
    an old version of a story never points at a reporter that no longer exists."""
    patterns = Q()
    for old_id in old_reporter_ids:
        patterns |= Q(serialized_data__contains=f'"reporter": {old_id},')
        patterns |= Q(serialized_data__contains=f'"reporter": {old_id}}}')
    for version in Version.objects.get_for_model(Byline).filter(patterns, format="json"):
        data = json.loads(version.serialized_data)
        for item in data:
            if item["fields"].get("reporter") in old_reporter_ids:
                item["fields"]["reporter"] = new_reporter_id
        Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


def merge_reporters(keep, duplicates, user=None):
    """Give every byline of `duplicates` to `keep` and delete the duplicates; return the number
    of bylines moved. Each story touched gets a version of its own, so one story's merge can be
    undone from its history without touching the others."""
    duplicate_ids = [reporter.pk for reporter in duplicates]
    names = "、".join(reporter.name for reporter in duplicates)
    moved = 0
    with transaction.atomic():
        with reversion.create_revision():
            for reporter in duplicates:
                reversion.add_to_revision(reporter)
            reversion.set_user(user)
            reversion.set_comment(f"合并到 {keep.name}（编号 {keep.pk}）之前的版本。")
        stories = Article.objects.filter(bylines__reporter__in=duplicate_ids).distinct()
        for story in stories:
            keep_original(story)
            with reversion.create_revision():
                for byline in story.bylines.filter(reporter__in=duplicate_ids):
                    if story.bylines.filter(reporter=keep, role=byline.role).exists():
                        # The same person with the same role twice: one credit says it all.
                        byline.delete()
                    else:
                        byline.reporter = keep
                        byline.save()
                    moved += 1
                story.save()
                reversion.add_to_revision(story)
                reversion.set_user(user)
                reversion.set_comment(f"合并记者：{names} → {keep.name}。")
        repoint_byline_history(duplicate_ids, keep.pk)
        record_merge(keep, duplicates)
        Reporter.objects.filter(pk__in=duplicate_ids).delete()
    return moved


class MergeActionMixin:
    """The confirmation page and outcome of a "merge the selected" action (reporters who are one
    person, tags that mean one thing): the editor picks which one to keep; `merge()` moves the
    others' stories to it and returns the number `merge_outcome` reports."""

    merge_noun = merge_measure = merge_intro = merge_outcome = ""

    def merge(self, keep, duplicates, user):
        raise NotImplementedError

    def merge_view(self, request, queryset):
        objects = list(queryset.order_by("-story_count", "pk"))
        which = f"{self.merge_measure}{self.merge_noun}"
        if len(objects) < 2:
            self.message_user(request, f"请至少选择两{which}再合并。", messages.WARNING)
            return None
        error = ""
        if request.POST.get("confirm") == "yes":
            keep = next((o for o in objects if str(o.pk) == request.POST.get("keep")), None)
            if keep is None:
                error = f"请选择合并后保留哪一{which}。"
            else:
                duplicates = [o for o in objects if o.pk != keep.pk]
                number = self.merge(keep, duplicates, request.user)
                names = "、".join(o.name for o in duplicates)
                outcome = self.merge_outcome.format(number)
                self.message_user(
                    request, f"已将 {names} 合并到 {keep.name}，{outcome}", messages.SUCCESS
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"合并{self.merge_noun}",
            "intro": self.merge_intro,
            "legend": f"保留哪一{self.merge_measure}？",
            "opts": self.opts,
            "objects": objects,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "error": error,
        }
        return TemplateResponse(request, "admin/merge.html", context)


class StoryCountMixin:
    """A 稿件数 column; renaming a reporter or region marks their stories changed, so that
    cached copies of those pages are not served again."""

    story_count_path = None  # from this model to its stories

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count(self.story_count_path, distinct=True))
        )

    @admin.display(description="稿件数", ordering="story_count")
    def story_count(self, obj):
        return obj.story_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            touch_stories(Article.objects.of(obj))


@admin.register(Reporter)
class ReporterAdmin(MergeActionMixin, StoryCountMixin, EditorialVersionAdmin):
    story_count_path = "bylines__article"
    list_display = ["name", "slug", "story_count"]
    search_fields = ["name", "slug"]
    # An explicit order: the story counts group the rows, which drops the model's ordering.
    ordering = ["slug"]
    readonly_fields = ["slug"]
    actions = ["merge_selected"]

    merge_noun, merge_measure = "记者", "位"
    merge_intro = (
        "所选记者是同一个人时，把他们的署名合并到一位名下。其余几位的署名全部移过去，然后删除其余"
        "几位；每篇受影响的稿件都会保存一个新版本，可在稿件的历史中撤销。"
    )
    merge_outcome = "移动署名 {} 条。"

    def merge(self, keep, duplicates, user):
        return merge_reporters(keep, duplicates, user=user)

    @admin.action(description="合并所选记者（同一人）", permissions=["change"])
    def merge_selected(self, request, queryset):
        return self.merge_view(request, queryset)


@admin.register(Region)
class RegionAdmin(StoryCountMixin, EditorialVersionAdmin):
    story_count_path = "articles"
    list_display = ["name", "kind", "parent", "position", "story_count"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    ordering = ["position", "name"]
    list_select_related = ["parent"]


# --- Tags -----------------------------------------------------------------------------------
# taggit's own TagAdmin tags any object of any model (users, sessions, permissions), changes
# stories' tags without a story version, and its merge view fails with nothing selected. This one
# tags stories only and versions every story whose tags it changes.


def version_stories(story_ids, user, comment):
    """A version of each story as it now stands, each in a revision of its own (so that one
    story's change can be undone from its history without touching the others); saving moves
    `updated_at`, so cached copies of their pages go stale, and reindexes them."""
    for story in Article.objects.filter(pk__in=story_ids):
        with reversion.create_revision():
            story.save()
            reversion.add_to_revision(story)
            reversion.set_user(user)
            reversion.set_comment(comment)


def keep_originals(story_ids):
    for story in Article.objects.filter(pk__in=story_ids):
        keep_original(story)


def merge_tags(keep, duplicates, user=None):
    """Put `keep` on every story tagged with one of `duplicates`, delete the duplicates, and
    return the number of stories changed."""
    names = "、".join(tag.name for tag in duplicates)
    story_type = story_content_type()
    with transaction.atomic():
        links = TaggedItem.objects.filter(tag__in=duplicates)
        story_ids = set(links.filter(content_type=story_type).values_list("object_id", flat=True))
        keep_originals(story_ids)
        for link in links:
            already = TaggedItem.objects.filter(
                tag=keep, content_type_id=link.content_type_id, object_id=link.object_id
            )
            if already.exists():
                link.delete()
            else:
                link.tag = keep
                link.save()
        version_stories(story_ids, user, f"合并标签：{names} → {keep.name}。")
        record_merge(keep, duplicates, kind="tag")
        Tag.objects.filter(pk__in=[tag.pk for tag in duplicates]).delete()
    return len(story_ids)


class StoryTaggingForm(forms.ModelForm):
    object_id = forms.IntegerField(label="稿件编号", min_value=1)

    class Meta:
        model = TaggedItem
        fields = ["object_id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.content_type = story_content_type()

    def clean_object_id(self):
        story_id = self.cleaned_data["object_id"]
        if not Article.objects.filter(pk=story_id).exists():
            raise forms.ValidationError(f"没有编号为 {story_id} 的稿件。")
        story_type = story_content_type()
        already = TaggedItem.objects.filter(
            tag_id=self.instance.tag_id, content_type=story_type, object_id=story_id
        ).exclude(pk=self.instance.pk)
        if self.instance.tag_id and already.exists():
            raise forms.ValidationError(f"编号为 {story_id} 的稿件已经有这个标签。")
        return story_id


class StoryTaggingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if form in self.deleted_forms or not hasattr(form, "cleaned_data"):
                continue
            story_id = form.cleaned_data.get("object_id")
            if story_id in seen:
                raise forms.ValidationError(f"编号为 {story_id} 的稿件填了两次。")
            if story_id:
                seen.add(story_id)


class StoryTaggingInline(admin.TabularInline):
    """The stories that carry a tag; only stories can be tagged here."""

    model = TaggedItem
    form = StoryTaggingForm
    formset = StoryTaggingFormSet
    fields = ["object_id", "story"]
    readonly_fields = ["story"]
    extra = 1
    verbose_name = "稿件"
    verbose_name_plural = "带这个标签的稿件"

    def get_queryset(self, request):
        story_type = story_content_type()
        return super().get_queryset(request).filter(content_type=story_type)

    def has_delete_permission(self, request, obj=None):
        # Taking a tag off a story is editing the story (and versioned with it), as in the
        # story's own form; editors have no delete permission on tag links as such.
        return request.user.has_perm("articles.change_article")

    @admin.display(description="主题")
    def story(self, link):
        if not link.object_id:
            return "—"
        story = Article.objects.filter(pk=link.object_id).only("headline").first()
        return story.headline if story else "（稿件已删除）"


def changed_story_ids(formset):
    """Stories whose tags a saved tagging formset changes: before and after each change."""
    story_ids = set()
    for form in formset.forms:
        if not form.has_changed() and form not in formset.deleted_forms:
            continue
        if form.instance.pk:
            story_ids.add(TaggedItem.objects.get(pk=form.instance.pk).object_id)
        if form.cleaned_data.get("object_id"):
            story_ids.add(form.cleaned_data["object_id"])
    return story_ids


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(MergeActionMixin, SelectionCheckMixin, admin.ModelAdmin):
    inlines = [StoryTaggingInline]
    list_display = ["name", "slug", "story_count"]
    ordering = ["name"]
    search_fields = ["name", "slug"]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        story_type = story_content_type()
        return (
            super()
            .get_queryset(request)
            .annotate(
                story_count=Count(
                    "taggit_taggeditem_items",
                    filter=Q(taggit_taggeditem_items__content_type=story_type),
                )
            )
        )

    def get_fields(self, request, obj=None):
        # A new tag's slug is made from its name; an existing tag's slug is its page's address
        # and stays as it is when the tag is renamed.
        return ["name"] if obj is None else ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["slug"]

    @admin.display(description="稿件数", ordering="story_count")
    def story_count(self, tag):
        return tag.story_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not TaggedItem:
            return super().save_formset(request, form, formset, change)
        story_ids = changed_story_ids(formset)
        keep_originals(story_ids)
        super().save_formset(request, form, formset, change)
        version_stories(story_ids, request.user, f"在标签“{form.instance.name}”中修改标签。")

    merge_noun, merge_measure = "标签", "个"
    merge_intro = (
        "所选标签说的是同一件事时，把它们合并成一个：其余标签的稿件全部改用保留的标签，然后删除"
        "其余标签（其网址转到保留的标签）；每篇受影响的稿件都会保存一个新版本，可在稿件的历史中撤销。"
    )
    merge_outcome = "涉及稿件 {} 篇。"

    def merge(self, keep, duplicates, user):
        return merge_tags(keep, duplicates, user=user)

    @admin.action(description="合并所选标签", permissions=["change"])
    def merge_selected(self, request, queryset):
        return self.merge_view(request, queryset)


# --- The dictionary -------------------------------------------------------------------------


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(EditorialVersionAdmin):
    """Names the search must know as whole words. Saving one teaches every process the name and
    reindexes the stories that print it (or one of its aliases) once the save commits."""

    list_display = ["name", "kind", "aliases_display", "description", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "slug", "description"]
    readonly_fields = ["slug", "created_at", "updated_at"]
    fields = ["name", "kind", "aliases", "description", "slug", ("created_at", "updated_at")]
    ordering = ["kind", "slug"]

    @admin.display(description="别名")
    def aliases_display(self, obj):
        return "、".join(obj.alias_list())


from . import admin_editions  # noqa: E402, F401  (registers Edition and Page)
