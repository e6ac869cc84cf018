"""The interactive API docs work in a real browser under the portal's Content-Security-Policy:
Swagger UI loads from the portal's own static files, draws every operation, and the browser
reports no blocked script or style."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_draws_the_api_without_breaking_the_csp(page, live_server):
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    outside: list[str] = []
    page.on(
        "request", lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None
    )
    page.goto("/api/v1/docs")
    page.get_by_text("Partnership portal API").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/partnerships/{slug}/sufficiency").first.wait_for()
    assert page.locator(".opblock-get").count() >= 13
    assert not problems, problems
    assert not outside, outside
