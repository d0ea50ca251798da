"""The checks every browser test gets (tests/browser/a11y.py) find what they are there to find:
an axe-core violation, a page wider than a phone, English left on a Swedish page; and pass a clean page."""

import pytest

from tests.browser.a11y import Audit

pytestmark = pytest.mark.browser

BAD = """<!doctype html><html lang="sv"><head><title>Ordrar</title></head><body><main>
<h1>Ordrar</h1><p>Retry the order when the customer has paid.</p>
<input type="checkbox" name="x"><div style="width:600px">bred</div></main></body></html>"""
GOOD = """<!doctype html><html lang="sv"><head><title>Ordrar</title></head><body><main>
<h1>Ordrar</h1><p>Försök igen när kunden har betalat. Status: order 1001, filter på.</p>
<label><input type="checkbox" name="x"> Välj</label><button lang="en">English</button></main></body></html>"""


def audit_of(browser, html: str) -> list[str]:
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    audit = Audit("page-checks")
    audit.attach(context)
    context.route(
        "http://checks.test/**", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8")
    )
    page = context.new_page()
    page.goto("http://checks.test/page/")
    problems = audit.finish(context)
    context.close()
    return problems


def test_the_page_checks_find_a_violation_a_sideways_scroll_and_english_on_a_swedish_page(browser):
    problems = "\n".join(audit_of(browser, BAD))
    assert "axe critical label" in problems
    assert "scrolls sideways at 390 px" in problems
    assert "not in Swedish" in problems and "'Retry'" in problems and "'customer'" in problems


def test_the_page_checks_pass_a_clean_swedish_page(browser):
    assert audit_of(browser, GOOD) == []
