"""An editor's day in a real browser (headless Chromium against a live server): log in, fix a
headline, see it on the story page and in search, find the old version in the history, restore
it. The admin's scripts run under the site's strict Content Security Policy throughout."""

import importlib
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from articles.models import Article

pytestmark = [
    pytest.mark.browser,
    # The live server reads what the test writes, so the data must be committed.
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "湖州-编辑部-2021-秋"
NEW_HEADLINE = "萤火虫之夜 湖州国庆安保维稳攻坚战收官"


def ensure_editors_group():
    """Each transactional test ends by emptying every table, so the `editors` group its data
    migration made may be gone: make it again by running that migration's own code."""
    if Group.objects.filter(name="editors").exists():
        return
    migration = importlib.import_module("articles.migrations.0003_editors_group")
    state = MigrationLoader(connection).project_state(("articles", "0003_editors_group"))
    migration.create_editors_group(state.apps, None)


@pytest.fixture
def editor(db):
    ensure_editors_group()
    answers = io.StringIO(f"{PASSWORD}\n{PASSWORD}\n")
    call_command("create_editor", "bianji", stdin=answers, stdout=io.StringIO())
    return "bianji"


@pytest.fixture
def browser_errors(page):
    """Console errors and uncaught exceptions: a CSP violation shows up here."""
    errors = []

    def on_console(message):
        # Includes the 404 a browser logs when a site has no /favicon.ico.
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("admin:index"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def search_results(page, live_server, query):
    """The headlines the public search lists for `query`."""
    page.goto(f"{live_server.url}{reverse('articles:search')}?q={query}")
    return page.locator("main .card__headline").all_inner_texts()


def test_an_editor_fixes_a_headline_then_restores_the_old_one(
    page, live_server, seed, editor, browser_errors
):
    article = seed[1]
    original = article.headline
    assert search_results(page, live_server, "萤火虫") == []

    log_in(page, live_server, editor)
    page.click("#content-main a:text-is('稿件')")
    page.click(f"#result_list a:text-is('{original}')")
    page.fill("textarea[name=headline]", NEW_HEADLINE)
    page.click("input[name=_save]")
    assert "成功修改" in page.locator(".messagelist").inner_text()

    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1").inner_text() == NEW_HEADLINE
    assert search_results(page, live_server, "萤火虫") == [NEW_HEADLINE]

    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.click("a.historylink")
    rows = page.locator("#change-history tr.version")
    assert rows.count() == 2
    assert rows.nth(0).locator(".version-repr").inner_text() == NEW_HEADLINE
    assert rows.nth(0).locator(".version-user").inner_text() == editor
    assert rows.nth(1).locator(".version-repr").inner_text() == original

    rows.nth(1).locator("button:text('恢复此版本')").click()
    assert "已恢复到" in page.locator(".messagelist").inner_text()
    assert page.locator("textarea[name=headline]").input_value() == original

    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1").inner_text() == original
    assert search_results(page, live_server, "萤火虫") == []
    assert original in search_results(page, live_server, "安保维稳")
    assert browser_errors == []


def test_an_editor_adds_a_byline_with_the_autocomplete(
    page, live_server, seed, editor, browser_errors
):
    """The inline's "add another" and select2's autocomplete are scripts: they must work under
    the CSP."""
    article = seed[2]
    log_in(page, live_server, editor)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.click(".inline-group .add-row a")
    row = page.locator("tr.dynamic-bylines").last
    row.locator("input[name$=-order]").fill("2")
    row.locator("select[name$=-role]").select_option("photographer")
    row.locator(".select2-selection").click()
    page.fill(".select2-search__field", "曹")
    page.click(".select2-results__option:text-is('曹凯琳')")

    # Districts by autocomplete too: add 南浔区 to the story's districts.
    page.locator(".field-districts .select2-selection").click()
    page.fill(".select2-search__field", "南浔")
    page.click(".select2-results__option:text-is('南浔区')")
    page.click("input[name=_save]")
    assert "成功修改" in page.locator(".messagelist").inner_text()

    assert [str(b) for b in Article.objects.get(pk=article.pk).bylines.all()] == [
        "通讯员 高飞",
        "摄影 曹凯琳",
    ]
    page.goto(live_server.url + article.get_absolute_url())
    byline = re.sub(r"\s+", " ", page.locator(".story__byline").inner_text())
    assert "摄影 曹凯琳" in byline
    assert "南浔区" in page.locator(".story__districts").inner_text()
    assert browser_errors == []


def test_a_locked_out_editor_sees_why(page, live_server, editor, settings):
    page.goto(live_server.url + reverse("admin:login"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", editor)
        page.fill("input[name=password]", "wrong")
        page.click("input[type=submit]")
    assert "登录已暂停" in page.locator("h1").inner_text()
