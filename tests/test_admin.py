"""The editors' desk, over real HTTP through Django's test client: who may do what, validation,
history and restore, merging reporters, create_editor, login throttling, a read-only site."""

import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Byline, Region, Reporter
from tests.conftest import ROOT, html, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "湖州-编辑部-2021-秋"


@pytest.fixture
def editor(db):
    user = User.objects.create_user("bianji", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    # force_login: django-axes needs a request to authenticate, which client.login() lacks.
    client.force_login(editor)
    return client


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def change_url(article):
    return admin_url("articles_article_change", article.pk)


def form_data(response, form_id="article_form"):
    """What a browser would submit from the form in `response`, as it stands."""
    form = html(response).find("form", id=form_id)
    assert form is not None, f"no form #{form_id}"
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            values = [o.get("value", "") for o in field.select("option[selected]")]
            if field.has_attr("multiple"):
                data[name] = values
            else:
                data[name] = values[0] if values else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "reset", "file"):
            data[name] = field.get("value", "")
    # The empty inline template is not part of the submission.
    return {key: value for key, value in data.items() if "__prefix__" not in key}


def save_article(client, article, **changes):
    data = form_data(client.get(change_url(article)))
    data.update(changes)
    return client.post(change_url(article), data)


def errors_of(response):
    page = html(response)
    return [text_of(e) for e in page.select(".errorlist li")]


def public_headline(client, article):
    return text_of(html(client.get(article.get_absolute_url())).select_one("h1"))


# --- Who may do what ---------------------------------------------------------------------------


def test_the_editors_group_has_exactly_the_editing_permissions(editor):
    expected = {
        f"{app}.{action}_{model}"
        for app, models in {
            "articles": [
                "article",
                "byline",
                "reporter",
                "region",
                "edition",
                "page",
                "dictionaryentry",
            ],
            "taggit": ["tag", "taggeditem"],
        }.items()
        for model in models
        for action in ["add", "change", "view"]
    }
    assert editor.get_all_permissions() == expected


@pytest.mark.parametrize(
    "url_name",
    [
        "index",
        "articles_article_changelist",
        "articles_article_add",
        "articles_reporter_changelist",
        "articles_reporter_add",
        "articles_region_changelist",
        "articles_region_add",
        "taggit_tag_changelist",
        "articles_article_recoverlist",
    ],
)
def test_editors_may_open_the_editing_pages(editor_client, seed, url_name):
    assert editor_client.get(admin_url(url_name)).status_code == 200


def test_editors_may_open_a_story_its_history_and_a_reporter(editor_client, seed):
    article = seed[1]
    assert editor_client.get(change_url(article)).status_code == 200
    assert editor_client.get(admin_url("articles_article_history", article.pk)).status_code == 200
    reporter = Reporter.objects.get(slug="gao-fei")
    assert editor_client.get(admin_url("articles_reporter_change", reporter.pk)).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "auth_user_changelist",
        "auth_user_add",
        "auth_group_changelist",
        "auth_group_add",
        "axes_accessattempt_changelist",
    ],
)
def test_editors_may_not_touch_users_groups_or_lockouts(editor_client, url_name):
    assert editor_client.get(admin_url(url_name)).status_code == 403


def test_editors_may_not_change_users_or_groups_by_post(editor_client, editor):
    response = editor_client.post(
        admin_url("auth_user_change", editor.pk),
        {"username": editor.username, "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser
    response = editor_client.post(admin_url("auth_group_add"), {"name": "chiefs"})
    assert response.status_code == 403
    assert not Group.objects.filter(name="chiefs").exists()


def test_editors_may_not_delete_stories(editor_client, seed):
    article = seed[1]
    url = admin_url("articles_article_delete", article.pk)
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    response = editor_client.post(
        admin_url("articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    # The delete action is not offered to editors: the admin answers "no action selected".
    assert response.status_code in (200, 302)
    assert Article.objects.filter(pk=article.pk).exists()


def test_the_admin_index_shows_editors_only_their_models(editor_client, seed):
    page = html(editor_client.get(admin_url("index")))
    links = {a["href"] for a in page.select("#content-main a[href]")}
    assert admin_url("articles_article_changelist") in links
    assert admin_url("taggit_tag_changelist") in links
    assert not any(href.startswith("/" + settings.ADMIN_PATH + "auth/") for href in links)


def test_anonymous_visitors_are_sent_to_the_login_page(client, seed):
    response = client.get(admin_url("articles_article_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(admin_url("login"))


def test_a_staff_user_outside_editors_sees_nothing(client, seed):
    user = User.objects.create_user("visitor", password=PASSWORD, is_staff=True)
    client.force_login(user)
    assert client.get(admin_url("articles_article_changelist")).status_code == 403
    assert client.get(change_url(seed[1])).status_code == 403


# --- The story list ---------------------------------------------------------------------------


def test_the_story_list_shows_dates_bylines_districts_and_tag_counts(editor_client, seed):
    page = html(editor_client.get(admin_url("articles_article_changelist")))
    rows = {
        text_of(row.select_one(".field-headline")): row
        for row in page.select("#result_list tbody tr")
    }
    row = rows[seed[1].headline]
    assert text_of(row.select_one(".field-date_display")) == "2021-09-30（推定）"
    assert text_of(row.select_one(".field-bylines_display")) == (
        "本报记者 徐冬梅、见习记者 曹凯琳、通讯员 高飞"
    )
    assert "吴兴区" in text_of(row.select_one(".field-districts_display"))
    assert text_of(row.select_one(".field-tag_count")) == "5"
    assert len(rows) == 4


def make_story(n, reporter, region):
    article = Article.objects.create(
        headline=f"测试稿件 {n}", body="正文。", published_on=datetime.date(2020, 1, n)
    )
    Byline.objects.create(article=article, reporter=reporter, role="reporter", order=1)
    article.districts.add(region)
    article.tags.add(f"标签{n}", "共同")
    return article


def test_the_story_list_takes_the_same_queries_however_many_stories(editor_client, seed):
    url = admin_url("articles_article_changelist")
    editor_client.get(url)  # warm up sessions and content types
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    reporter, region = Reporter.objects.first(), Region.objects.first()
    for n in range(1, 21):
        make_story(n, reporter, region)
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(url)
    assert len(html(response).select("#result_list tbody tr")) == 24
    assert len(many) == len(few)


def test_the_story_list_pages_by_fifty(editor_client, seed):
    reporter, region = Reporter.objects.first(), Region.objects.first()
    for n in range(1, 31):
        for _ in range(2):
            make_story(n, reporter, region)
    page = html(editor_client.get(admin_url("articles_article_changelist")))
    assert len(page.select("#result_list tbody tr")) == 50


@pytest.mark.parametrize(
    "query, expected",
    [
        ("bylines__reporter__id__exact={xu}", {1}),
        ("districts__id__exact={wuxing}", {1}),
        ("tags__id__exact={zhengfa}", {2, 3, 4}),
        ("year=2021", {1, 2, 3, 4}),
        ("year=2020", set()),
        ("date_is_estimated__exact=1", {1, 2, 3, 4}),
        ("date_is_estimated__exact=0", set()),
        ("published_on__year=2021&published_on__month=9", {1, 2, 3, 4}),
    ],
)
def test_the_story_list_filters(editor_client, seed, query, expected):
    from taggit.models import Tag

    query = query.format(
        xu=Reporter.objects.get(slug="xu-dongmei").pk,
        wuxing=Region.objects.get(slug="wuxing").pk,
        zhengfa=Tag.objects.get(name="政法").pk,
    )
    page = html(editor_client.get(admin_url("articles_article_changelist") + "?" + query))
    headlines = {text_of(td) for td in page.select("#result_list .field-headline")}
    assert headlines == {seed[n].headline for n in expected}


def test_the_story_list_offers_the_filters_in_chinese(editor_client, seed):
    page = html(editor_client.get(admin_url("articles_article_changelist")))
    titles = {text_of(h) for h in page.select("#changelist-filter summary")}
    assert {"以 记者", "以 地区", "以 标签", "以 年份", "以 日期为推定"} <= titles


@pytest.mark.parametrize("query", ["year=abc", "year=", "published_on__year=x", "e=1", "o=zz"])
def test_bad_filter_values_never_give_a_server_error(editor_client, seed, query):
    response = editor_client.get(admin_url("articles_article_changelist") + "?" + query)
    assert response.status_code in (200, 302)


# --- The change form ---------------------------------------------------------------------------


def test_the_change_form_is_grouped_as_an_editor_reads_a_story(editor_client, seed):
    page = html(editor_client.get(change_url(seed[1])))
    form = page.find("form", id="article_form")
    headings = [
        text_of(h) for h in form.select("fieldset > h2, fieldset > details h2, .inline-group h2")
    ]
    assert headings[:5] == [
        "标题",
        "署名（按顺序号排列，小的在前）",
        "见报日期与来源",
        "地区与标签",
        "正文",
    ]


def test_the_change_form_uses_autocomplete_fixed_roles_and_the_tag_field(editor_client, seed):
    page = html(editor_client.get(change_url(seed[1])))
    reporter = page.select_one("select[name=bylines-0-reporter]")
    assert "admin-autocomplete" in reporter["class"]
    assert "admin-autocomplete" in page.select_one("select[name=districts]")["class"]
    roles = [o["value"] for o in page.select("select[name=bylines-0-role] option") if o["value"]]
    assert roles == [value for value, _ in Byline.Role.choices]
    tags = page.select_one("input[name=tags]")["value"]
    assert set(tags.split(", ")) == {"安保维稳", "国庆", "排查见底", "风险防控", "平安建设"}
    orders = [int(page.select_one(f"input[name=bylines-{i}-order]")["value"]) for i in range(3)]
    assert orders == [1, 2, 3]


def test_the_change_form_previews_the_body_as_the_site_renders_it(editor_client, seed):
    article = seed[2]
    page = html(editor_client.get(change_url(article)))
    preview = page.select_one(".field-body_preview .story__body")
    public = html(editor_client.get(article.get_absolute_url())).select_one(".story__body")
    assert preview is not None
    assert text_of(preview) == text_of(public)
    assert text_of(preview).startswith("本报讯")


def test_the_change_form_links_to_the_story_on_the_site(editor_client, seed):
    article = seed[1]
    link = html(editor_client.get(change_url(article))).select_one("a.viewsitelink")
    response = editor_client.get(link["href"])
    assert response.status_code == 302
    assert response["Location"].endswith(article.get_absolute_url())


def test_saving_a_story_updates_its_public_page_at_once(editor_client, seed):
    article = seed[3]
    assert public_headline(editor_client, article) == article.headline
    response = save_article(editor_client, article, headline="新媒体矩阵打通反诈宣传最后一公里")
    assert response.status_code == 302, errors_of(response)
    assert public_headline(editor_client, article) == "新媒体矩阵打通反诈宣传最后一公里"
    assert "新媒体矩阵打通反诈宣传最后一公里" in editor_client.get("/").content.decode()


def test_an_editor_adds_a_story_with_a_byline_districts_and_tags(editor_client, seed):
    data = form_data(editor_client.get(admin_url("articles_article_add")))
    xu = Reporter.objects.get(slug="xu-dongmei")
    data.update(
        {
            "headline": "南浔古镇迎来国庆客流高峰",
            "body": "本报讯 国庆假期，南浔古镇游人如织。\n\n### 客流\n\n日均接待游客三万人次。",
            "published_on": "2021-10-03",
            "districts": [str(Region.objects.get(slug="nanxun").pk)],
            "tags": "国庆，旅游、古镇",
            "bylines-0-order": "1",
            "bylines-0-role": "staff_reporter",
            "bylines-0-reporter": str(xu.pk),
        }
    )
    response = editor_client.post(admin_url("articles_article_add"), data)
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(headline="南浔古镇迎来国庆客流高峰")
    assert {t.name for t in article.tags.all()} == {"国庆", "旅游", "古镇"}
    assert [str(b) for b in article.bylines.all()] == ["本报记者 徐冬梅"]
    assert [r.slug for r in article.districts.all()] == ["nanxun"]
    page = html(editor_client.get(article.get_absolute_url()))
    assert text_of(page.select_one("h1")) == "南浔古镇迎来国庆客流高峰"
    assert [text_of(h) for h in page.select(".story__subhead")] == ["客流"]


# --- Validation --------------------------------------------------------------------------------


def tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"headline": ""}, "请填写主题（标题）。"),
        ({"headline": "   "}, "请填写主题（标题）。"),
        ({"body": ""}, "正文不能为空。"),
        ({"body": " \n\n  \n"}, "正文不能为空。"),
        ({"published_on": "2021-02-30"}, "见报日期的格式应为 2021-09-30。"),
        ({"published_on": "明天"}, "见报日期的格式应为 2021-09-30。"),
        ({"bylines-0-reporter": ""}, "署名必须选择记者。"),
        ({"bylines-0-role": ""}, "署名必须选择身份（如“本报记者”）。"),
        ({"bylines-0-role": "editor_in_chief"}, "选择一个有效的选项"),
        ({"bylines-0-reporter": "999999"}, "选择一个有效的选项"),
        ({"districts": ["999999"]}, "选择一个有效的选项"),
        ({"bylines-0-order": "-1"}, "大于或等于0"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(editor_client, seed, changes, message):
    article = seed[1]
    before = Article.objects.get(pk=article.pk)
    response = save_article(editor_client, article, **changes)
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)), errors_of(response)
    after = Article.objects.get(pk=article.pk)
    assert (after.headline, after.body, after.updated_at) == (
        before.headline,
        before.body,
        before.updated_at,
    )


def test_a_date_in_the_future_is_refused(editor_client, seed):
    response = save_article(editor_client, seed[1], published_on=tomorrow())
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert f"见报日期不能晚于今天（{today}）。" in errors_of(response)


def test_a_new_byline_needs_a_reporter_and_a_role(editor_client, seed):
    article = seed[2]
    data = form_data(editor_client.get(change_url(article)))
    data.update({"bylines-TOTAL_FORMS": "2", "bylines-1-order": "2", "bylines-1-role": "reporter"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "署名必须选择记者。" in errors_of(response)
    assert article.bylines.count() == 1


def test_the_model_refuses_a_future_date_and_a_blank_body_outside_the_admin(seed):
    from django.core.exceptions import ValidationError

    article = seed[1]
    article.published_on = timezone.localdate() + datetime.timedelta(days=1)
    article.body = "\n \n"
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert set(caught.value.message_dict) == {"published_on", "body"}


def test_a_tampered_management_form_is_not_a_server_error(editor_client, seed):
    data = form_data(editor_client.get(change_url(seed[1])))
    data["bylines-TOTAL_FORMS"] = "nonsense"
    response = editor_client.post(change_url(seed[1]), data)
    assert response.status_code == 200


# --- History, restore, recovery ----------------------------------------------------------------


def test_each_save_keeps_a_version_with_who_when_and_what(editor_client, editor, seed):
    article = seed[1]
    old = article.headline
    save_article(editor_client, article, headline="第一次修改")
    save_article(editor_client, article, headline="第二次修改", tags="国庆")
    page = html(editor_client.get(admin_url("articles_article_history", article.pk)))
    rows = page.select("#change-history tr.version")
    # The imported story had no version: the first edit kept one of it as it was.
    assert [text_of(r.select_one(".version-repr")) for r in rows] == [
        "第二次修改",
        "第一次修改",
        old,
    ]
    assert [text_of(r.select_one(".version-user")) for r in rows] == [
        editor.username,
        editor.username,
        "—",
    ]
    assert "主题" in text_of(rows[0].select_one(".version-comment"))
    assert "标签" in text_of(rows[0].select_one(".version-comment"))
    assert text_of(rows[2].select_one(".version-comment")) == "修改前的原始版本。"


def test_the_imported_original_can_be_restored_after_the_first_edit(editor_client, seed):
    article = seed[4]
    original = article.headline
    save_article(editor_client, article, headline="改错了的标题", tags="错的标签")
    page = html(editor_client.get(admin_url("articles_article_history", article.pk)))
    rows = page.select("#change-history tr.version")
    assert len(rows) == 2
    editor_client.post(rows[1].select_one("form.version-restore")["action"])
    article = Article.objects.get(pk=article.pk)
    assert article.headline == original
    assert {t.name for t in article.tags.all()} == {
        "主题征文",
        "党史学习教育",
        "伟大建党精神",
        "政法",
    }
    assert public_headline(editor_client, article) == original


def test_viewing_an_old_version_shows_it_without_changing_anything(editor_client, seed):
    article = seed[1]
    save_article(editor_client, article, headline="第一次修改")
    save_article(editor_client, article, headline="第二次修改")
    page = html(editor_client.get(admin_url("articles_article_history", article.pk)))
    view_url = page.select("#change-history tr.version")[1].select_one("a.version-view")["href"]
    old = html(editor_client.get(view_url))
    assert old.select_one("textarea[name=headline]").text.strip() == "第一次修改"
    assert Article.objects.get(pk=article.pk).headline == "第二次修改"


def test_restore_brings_back_headline_bylines_tags_and_districts(editor_client, seed):
    article = seed[1]
    save_article(editor_client, article, headline="第一次修改")  # the version to come back to
    data = form_data(editor_client.get(change_url(article)))
    data.update(
        {
            "headline": "第二次修改",
            "tags": "换掉的标签",
            "districts": [str(Region.objects.get(slug="huzhou").pk)],
            "bylines-2-DELETE": "on",
            "bylines-0-role": "reporter",
        }
    )
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert [str(b) for b in article.bylines.all()] == ["记者 徐冬梅", "见习记者 曹凯琳"]

    page = html(editor_client.get(admin_url("articles_article_history", article.pk)))
    older = page.select("#change-history tr.version")[1]
    assert text_of(older.select_one(".version-repr")) == "第一次修改"
    response = editor_client.post(older.select_one("form.version-restore")["action"])
    assert response.status_code == 302
    assert response["Location"] == change_url(article)

    article = Article.objects.get(pk=article.pk)
    assert article.headline == "第一次修改"
    assert [str(b) for b in article.bylines.all()] == [
        "本报记者 徐冬梅",
        "见习记者 曹凯琳",
        "通讯员 高飞",
    ]
    assert {t.name for t in article.tags.all()} == {
        "安保维稳",
        "国庆",
        "排查见底",
        "风险防控",
        "平安建设",
    }
    assert {r.slug for r in article.districts.all()} == {r.slug for r in seed[1].districts.all()}
    assert public_headline(editor_client, article) == "第一次修改"
    # The restore is a version of its own, so it can be undone as well.
    latest = Version.objects.get_for_object(article).first()
    assert "恢复到" in latest.revision.get_comment()


def test_restore_is_post_only_and_needs_change_permission(client, editor_client, seed):
    article = seed[1]
    save_article(editor_client, article, headline="第一次修改")
    version = Version.objects.get_for_object(article).first()
    url = admin_url("articles_article_restore", article.pk, version.pk)
    assert editor_client.get(url).status_code == 405
    viewer = User.objects.create_user("viewer", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="editors").permissions.filter(codename="view_article")
    )
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    assert client.post(admin_url("articles_article_restore", article.pk, 999999)).status_code in (
        403,
        404,
    )


def test_a_version_of_another_story_cannot_be_restored_onto_this_one(editor_client, seed):
    save_article(editor_client, seed[1], headline="第一次修改")
    version = Version.objects.get_for_object(seed[1]).first()
    url = admin_url("articles_article_restore", seed[2].pk, version.pk)
    assert editor_client.post(url).status_code == 404


def test_a_deleted_story_can_be_recovered_with_its_bylines_and_tags(client, seed):
    chief = User.objects.create_superuser("chief", password=PASSWORD)
    client.force_login(chief)
    article = seed[1]
    response = client.post(admin_url("articles_article_delete", article.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 404

    page = html(client.get(admin_url("articles_article_recoverlist")))
    link = page.select_one("a[href*='/recover/']")
    assert link is not None and article.headline in text_of(page.select_one("#content-main"))
    data = form_data(client.get(link["href"]))
    response = client.post(link["href"], data)
    assert response.status_code == 302, errors_of(response)

    article = Article.objects.get(pk=article.pk)
    assert len(article.bylines.all()) == 3
    assert len(article.tags.all()) == 5
    assert client.get(article.get_absolute_url()).status_code == 200


# --- Reporters and regions ---------------------------------------------------------------------


def test_reporters_and_regions_list_their_story_counts_and_search(editor_client, seed):
    page = html(editor_client.get(admin_url("articles_reporter_changelist")))
    counts = {
        text_of(row.select_one(".field-name")): text_of(row.select_one(".field-story_count"))
        for row in page.select("#result_list tbody tr")
    }
    assert counts == {"徐冬梅": "1", "曹凯琳": "3", "高飞": "2"}
    page = html(editor_client.get(admin_url("articles_reporter_changelist") + "?q=高"))
    assert [text_of(td) for td in page.select(".field-name")] == ["高飞"]
    page = html(editor_client.get(admin_url("articles_region_changelist") + "?q=吴兴"))
    rows = page.select("#result_list tbody tr")
    assert [text_of(r.select_one(".field-name")) for r in rows] == ["吴兴区"]
    assert text_of(rows[0].select_one(".field-story_count")) == "1"


def test_reporter_autocomplete_answers_editors(editor_client, seed):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "曹", "app_label": "articles", "model_name": "byline", "field_name": "reporter"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["曹凯琳"]


def test_renaming_a_reporter_shows_on_the_story_page(editor_client, seed):
    gao = Reporter.objects.get(slug="gao-fei")
    url = admin_url("articles_reporter_change", gao.pk)
    data = form_data(editor_client.get(url), form_id="reporter_form")
    data["name"] = "高翔"
    assert editor_client.post(url, data).status_code == 302
    page = html(editor_client.get(seed[2].get_absolute_url()))
    assert "高翔" in text_of(page.select_one(".story__byline"))


def add_duplicate_of_xu(seed):
    """The same person imported twice under two slugs, holding bylines on stories 2 and 1."""
    twin = Reporter.objects.create(name="徐冬梅", slug="xu-dongmei-2")
    Byline.objects.create(article=seed[2], reporter=twin, role="staff_reporter", order=2)
    # On story 1 the real 徐冬梅 already has this credit: merging must not print it twice.
    Byline.objects.create(article=seed[1], reporter=twin, role="staff_reporter", order=4)
    return twin


def test_merging_reporters_asks_which_to_keep_then_moves_the_bylines(editor_client, seed):
    twin = add_duplicate_of_xu(seed)
    xu = Reporter.objects.get(slug="xu-dongmei")
    url = admin_url("articles_reporter_changelist")
    selection = {"action": "merge_selected", "_selected_action": [xu.pk, twin.pk]}
    page = html(editor_client.post(url, selection))
    choices = page.select("input[name=keep]")
    assert {int(c["value"]) for c in choices} == {xu.pk, twin.pk}

    response = editor_client.post(url, {**selection, "confirm": "yes", "keep": xu.pk})
    assert response.status_code == 302
    assert not Reporter.objects.filter(pk=twin.pk).exists()
    assert [str(b) for b in seed[2].bylines.all()] == ["通讯员 高飞", "本报记者 徐冬梅"]
    assert [str(b) for b in seed[1].bylines.all()] == [
        "本报记者 徐冬梅",
        "见习记者 曹凯琳",
        "通讯员 高飞",
    ]
    assert xu.bylines.count() == 2
    page = html(editor_client.get(seed[2].get_absolute_url()))
    assert "徐冬梅" in text_of(page.select_one(".story__byline"))


def test_a_story_from_before_a_merge_restores_onto_the_kept_reporter(editor_client, seed):
    twin = add_duplicate_of_xu(seed)
    xu = Reporter.objects.get(slug="xu-dongmei")
    save_article(editor_client, seed[2], headline="合并前的版本")
    before_merge = Version.objects.get_for_object(seed[2]).first()
    editor_client.post(
        admin_url("articles_reporter_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [xu.pk, twin.pk],
            "confirm": "yes",
            "keep": xu.pk,
        },
    )
    response = editor_client.post(
        admin_url("articles_article_restore", seed[2].pk, before_merge.pk)
    )
    assert response.status_code == 302
    article = Article.objects.get(pk=seed[2].pk)
    assert article.headline == "合并前的版本"
    assert [str(b) for b in article.bylines.all()] == ["通讯员 高飞", "本报记者 徐冬梅"]


def test_merging_needs_two_reporters_and_a_choice(editor_client, seed):
    xu = Reporter.objects.get(slug="xu-dongmei")
    gao = Reporter.objects.get(slug="gao-fei")
    url = admin_url("articles_reporter_changelist")
    response = editor_client.post(
        url, {"action": "merge_selected", "_selected_action": [xu.pk]}, follow=True
    )
    assert "请至少选择两位记者再合并。" in response.content.decode()
    response = editor_client.post(
        url,
        {
            "action": "merge_selected",
            "confirm": "yes",
            "_selected_action": [xu.pk, gao.pk],
            "keep": "abc",
        },
    )
    assert response.status_code == 200
    assert "请选择合并后保留哪一位记者。" in response.content.decode()
    assert Reporter.objects.count() == 3


def test_a_deleted_reporter_is_versioned_before_it_goes(client, seed):
    client.force_login(User.objects.create_superuser("chief", password=PASSWORD))
    lone = Reporter.objects.create(name="临时记者", slug="linshi")
    client.post(admin_url("articles_reporter_delete", lone.pk), {"post": "yes"})
    assert not Reporter.objects.filter(pk=lone.pk).exists()
    assert [v.object_repr for v in Version.objects.get_deleted(Reporter)] == ["临时记者"]


# --- Search in the admin -----------------------------------------------------------------------


def test_the_story_list_searches_with_the_site_search(editor_client, seed):
    pytest.importorskip("articles.search")
    page = html(editor_client.get(admin_url("articles_article_changelist") + "?q=反诈"))
    headlines = {text_of(td) for td in page.select("#result_list .field-headline")}
    assert seed[3].headline in headlines
    assert seed[4].headline not in headlines


@pytest.mark.parametrize("query", ["\x00", "(" * 300, '"', "*", "a" * 5000, "AND OR NOT"])
def test_odd_searches_in_the_admin_never_give_a_server_error(editor_client, seed, query):
    pytest.importorskip("articles.search")
    response = editor_client.get(admin_url("articles_article_changelist"), {"q": query})
    assert response.status_code == 200


# --- create_editor -----------------------------------------------------------------------------


def run_create_editor(*args, answers=""):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_editor", *args, stdin=io.StringIO(answers), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_editor_prompts_twice_and_makes_a_staff_editor(client, db):
    out, _ = run_create_editor("lihua", answers=f"{PASSWORD}\n{PASSWORD}\n")
    assert "已创建编辑 lihua" in out
    user = User.objects.get(username="lihua")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["editors"]
    assert user.check_password(PASSWORD)
    response = client.post(admin_url("login"), {"username": "lihua", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(admin_url("articles_article_changelist")).status_code == 200
    assert client.get(admin_url("auth_user_changelist")).status_code == 403


def test_create_editor_asks_again_when_the_passwords_differ_or_are_weak(db):
    answers = f"{PASSWORD}\nsomething-else\n12345678\n12345678\n{PASSWORD}\n{PASSWORD}\n"
    _, err = run_create_editor("lihua", answers=answers)
    assert "两次输入的密码不一致。" in err
    assert "密码不合格" in err
    assert User.objects.get(username="lihua").check_password(PASSWORD)


def test_create_editor_gives_up_after_three_bad_tries(db):
    with pytest.raises(CommandError, match="没有创建用户"):
        run_create_editor("lihua", answers="a\nb\n" * 3)
    assert not User.objects.filter(username="lihua").exists()


def test_create_editor_without_input_reads_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", PASSWORD)
    run_create_editor("lihua", "--no-input")
    assert User.objects.get(username="lihua").check_password(PASSWORD)
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "password")
    with pytest.raises(CommandError, match="密码不合格"):
        run_create_editor("wangfang", "--no-input")
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD")
    with pytest.raises(CommandError, match="DJANGO_EDITOR_PASSWORD"):
        run_create_editor("wangfang", "--no-input")
    assert not User.objects.filter(username="wangfang").exists()


def test_create_editor_refuses_an_existing_username(editor):
    with pytest.raises(CommandError, match="已存在"):
        run_create_editor(editor.username, answers=f"{PASSWORD}\n{PASSWORD}\n")
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


# --- Login throttling --------------------------------------------------------------------------


def log_in(client, username, password):
    return client.post(admin_url("login"), {"username": username, "password": password})


def test_password_guessing_is_locked_out(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, editor.username, "wrong")
        assert response.status_code == 200  # the login form again, with its error
    response = log_in(client, editor.username, "wrong")
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    # Locked out: even the right password is refused now.
    response = log_in(client, editor.username, PASSWORD)
    assert response.status_code == 429
    assert client.get(admin_url("articles_article_changelist")).status_code == 302


def test_a_lockout_is_per_user_so_other_editors_can_still_log_in(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, editor.username, "wrong")
    other = User.objects.create_user("zhangsan", password=PASSWORD, is_staff=True)
    other.groups.add(Group.objects.get(name="editors"))
    assert log_in(client, "zhangsan", PASSWORD).status_code == 302


def test_a_good_login_clears_earlier_failures(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, editor.username, "wrong")
    assert log_in(client, editor.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, editor.username, "wrong")
    assert log_in(client, editor.username, PASSWORD).status_code == 302


def test_axes_checks_logins_first():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_COOLOFF_TIME


# --- The public site is read-only; settings ------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles/",
        "/articles/1/",
        "/articles/1",
        "/healthz",
        "/no-such-page/",
        "/static/css/site.css",
    ],
)
def test_the_public_site_refuses_writes(client, seed, method, path):
    response = getattr(client, method)(path, {"headline": "篡改"})
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert not Article.objects.filter(headline="篡改").exists()


def test_the_public_site_still_reads(client, seed):
    assert client.get("/").status_code == 200
    assert client.head(seed[1].get_absolute_url()).status_code == 200
    assert client.options("/articles/").status_code in (200, 405)


def test_writes_to_the_admin_are_not_refused_as_public(editor_client, seed):
    response = save_article(editor_client, seed[1], headline="编辑部可以写")
    assert response.status_code == 302


def test_the_admin_path_comes_from_the_environment():
    assert admin_url("index") == "/" + settings.ADMIN_PATH
    script = (
        "import django; django.setup(); from django.urls import reverse; "
        "print(reverse('admin:index'))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huzhou_news.test_settings",
        "DJANGO_ADMIN_PATH": "desk-7f3a",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "/desk-7f3a/"


def test_cookies_are_secure_when_debug_is_off():
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_version_data_is_json_so_merges_can_repoint_it(editor_client, seed):
    save_article(editor_client, seed[2], headline="改一次")
    byline_versions = Version.objects.get_for_model(Byline)
    assert byline_versions.exists()
    for version in byline_versions:
        assert json.loads(version.serialized_data)[0]["fields"]["reporter"]
