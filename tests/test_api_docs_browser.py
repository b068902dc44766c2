"""The API's docs page in a real browser: Swagger UI draws the endpoints from the generated
OpenAPI document, offline and within the page's Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_api_docs_page_draws_every_endpoint(page, live_server):
    problems = []  # CSP refusals and script errors show as console errors
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    # The favicon is another branch's (issue 9); anything else missing is a problem here.
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/")
    page.click("footer >> text=数据接口（API）")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert sorted(p.replace("\u200b", "") for p in paths) == [
        "/api/articles/",
        "/api/articles/{article_id}/",
        "/api/districts/",
        "/api/reporters/",
        "/api/tags/",
    ]
    assert "湖州新闻档案 API" in page.locator(".title").first.inner_text()
    assert problems == [] and [u for u in external if not u.startswith("data:")] == []
