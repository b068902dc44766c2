"""A reader's journey in a real browser (Debian's Chromium, headless), with the checks only a
browser can make: layout at phone width, dark mode, print, accessibility (axe-core)."""

import os

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def test_a_reader_browses_filters_and_searches(page, live_server, seed):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("main .card").count() == 4

    page.get_by_role(
        "link", name="发现问题排查见底 推动隐患整改见效 全力以赴打赢国庆安保维稳攻坚战"
    ).click()
    assert page.title().startswith("发现问题排查见底")
    assert (
        page.locator("main .story__kicker").inner_text().startswith("湖州召开两个“排查见底”推进会")
    )

    page.locator("main .story__byline").get_by_role("link", name="曹凯琳").click()
    assert page.locator("main h1").inner_text() == "曹凯琳的稿件"
    assert page.locator("main .card").count() == 3

    page.goto(live_server.url + "/articles/?reporter=cao-kailin&district=nanxun")
    assert page.locator("main .card").count() == 1
    page.get_by_role("link", name="移除筛选：地区 南浔区").click()
    assert page.locator("main .card").count() == 3
    assert "district" not in page.url

    page.get_by_label("搜索稿件").fill("国庆")
    page.get_by_label("搜索稿件").press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator("main .card").count() == 1
    assert page.locator("main mark").first.inner_text() == "国庆"


def test_a_reader_narrows_a_search_by_date_and_by_facet(page, live_server, seed):
    page.goto(live_server.url + "/search/?q=湖州")
    assert page.locator("main .card").count() == 4
    page.get_by_label("从").fill("2021-09")
    page.get_by_label("排序").select_option("oldest")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url("**from=2021-09**")
    assert "sort=oldest" in page.url
    assert page.locator("main .card").count() == 4
    page.locator("aside.facets").get_by_role("link", name="反邪教").click()
    assert page.locator("main .card").count() == 1
    page.get_by_role("link", name="移除筛选：起始 2021-09").click()
    assert "from=" not in page.url and "tag=" in page.url


def test_no_sideways_scrolling_and_readable_text_on_a_phone(chromium, live_server, seed):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    tab = context.new_page()
    try:
        for path in [
            "/",
            seed[1].get_absolute_url(),
            "/articles/?reporter=cao-kailin",
            "/search/?q=湖州&from=2021",
            "/districts/",
        ]:
            tab.goto(live_server.url + path)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 360, path
        tab.goto(live_server.url + seed[1].get_absolute_url())
        size = tab.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.story__body p')).fontSize)"
        )
        assert size >= 16
        nav_link = tab.locator(".site-nav a").first.bounding_box()
        assert nav_link["height"] >= 44
    finally:
        context.close()


def test_dark_mode_follows_the_system(chromium, live_server, seed):
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme)
        tab = context.new_page()
        tab.goto(live_server.url + "/")
        backgrounds[scheme] = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds["light"] != backgrounds["dark"]
    assert backgrounds["dark"] == "rgb(22, 21, 20)"


def test_a_story_prints_without_navigation(page, live_server, seed):
    page.goto(live_server.url + seed[2].get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("aside.related").is_visible()
    assert page.locator("main .story__headline").is_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_the_skip_link_leads_to_main(page, live_server, seed):
    page.goto(live_server.url + "/articles/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_pass_axe_accessibility_checks(chromium, live_server, seed, scheme):
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} is missing: run `npm ci`")
        pytest.skip("axe-core is not installed (npm ci)")
    context = chromium.new_context(color_scheme=scheme, bypass_csp=True)
    tab = context.new_page()
    paths = [
        "/",
        seed[1].get_absolute_url(),
        "/articles/?reporter=cao-kailin&tag=政法",
        "/reporters/",
        "/districts/",
        "/tags/",
        "/archive/2021/",
        "/editions/",
        "/editions/2021-09-30/",
        "/editions/2021-09-30/x/",
        "/search/?q=湖州",
        "/articles/?q=曹凯琳&from=2021-09&sort=oldest",
        "/articles/999999/",
    ]
    failures = {}
    try:
        for path in paths:
            tab.goto(live_server.url + path)
            tab.add_script_tag(path=str(AXE))
            violations = tab.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target).join(' ')}`)"
            )
            if violations:
                failures[path] = violations
    finally:
        context.close()
    assert failures == {}
