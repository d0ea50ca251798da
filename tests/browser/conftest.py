"""Playwright for Python driving Debian's Chromium (/usr/bin/chromium); no browser is downloaded.

Where there is no Chromium the browser tests are skipped with a message, except under CI=true,
where a missing browser fails the run. Screenshots go to test-artifacts/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.a11y import Audit, report_only

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Flags for a closed network and a root user: no sandbox, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if os.environ.get("CI") == "true":
        for item in browser_items:
            item.add_marker(pytest.mark.xfail(reason="no chromium", run=False, strict=True))
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: install Debian's chromium package.")
    for item in browser_items:
        item.add_marker(
            pytest.mark.skip(reason=f"{CHROMIUM} not found: browser tests skipped (apt-get install chromium)")
        )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM refuses to run beside
    # one unless told the calls are really synchronous (they are: the loop only drives the browser).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, request):
    """A page in a fresh context; every page it (or another page of the context) visits is checked
    by axe-core and at 390 px when the test ends (tests/browser/a11y.py): a critical or serious
    finding, or a page that scrolls sideways on a phone, fails the test."""
    context = browser.new_context(
        locale="sv-SE", timezone_id="Europe/Stockholm", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    audit = Audit(re.sub(r"[^a-z0-9_]+", "-", request.node.name.lower()))
    audit.attach(context)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    problems = [] if failed else audit.finish(context)  # a failed test is already red: do not pile on
    context.close()
    if problems and not report_only():
        pytest.fail(
            "Accessibility, 390 px or translation problems on pages this test visited:\n" + "\n".join(problems),
            pytrace=False,
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def screenshot(page, request):
    """Call screenshot("step-name") to save the page as test-artifacts/screenshots/<test>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^a-z0-9_]+", "-", request.node.name.lower())

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
