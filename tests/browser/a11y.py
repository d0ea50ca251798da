"""Every page the browser suite visits is checked by axe-core and at a phone's width.

`Audit.attach(context)` injects the vendored axe-core (tests/browser/vendor/axe-core) into every
document of a browser context: each page runs axe once it has loaded and reports its violations
back. At the end of a test, `Audit.finish(context)` opens every page the test saw again at 390 px
wide (same session), runs axe there too, and measures whether the page scrolls sideways.

A critical or serious violation, or a page wider than the phone, fails the test (the `page`
fixture does this for every test that uses it). Per page counts of every impact go to
test-artifacts/a11y/<test>.json, so a before/after is a diff. `A11Y_REPORT_ONLY=1` writes the
counts without failing (to measure a branch that is not clean yet).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "a11y"
PHONE = {"width": 390, "height": 844}
FAILING = ("critical", "serious")

# Runs in every document: axe once the page has loaded; the promise lets finish() await the same run.
HOOK = """
(() => {
  if (window.top !== window) return;
  window.__axeDone = new Promise(resolve => {
    window.addEventListener('load', () => setTimeout(async () => {
      let report;
      if (document.contentType !== 'text/html' || typeof axe === 'undefined') {
        report = {url: location.href, skipped: true};
      } else {
        try {
          const r = await axe.run(document, {resultTypes: ['violations']});
          report = {url: location.href, violations: r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
            targets: v.nodes.slice(0, 4).map(n => n.target.join(' ')),
            why: v.nodes.slice(0, 4).map(n => ((n.any[0] || n.all[0] || n.none[0] || {}).message || '').slice(0, 160))}))};
        } catch (e) { report = {url: location.href, error: String(e)}; }
      }
      report.scrollWidth = document.documentElement.scrollWidth;
      report.innerWidth = window.innerWidth;
      if (window.__a11yReport) { try { window.__a11yReport(report); } catch (e) {} }
      resolve(report);
    }, 0));
  });
})();
"""

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def page_name(url: str) -> str:
    """A page's URL with ids and host taken out, so the same page in two tests is one row."""
    path = re.sub(r"^https?://[^/]+", "", url)
    path = UUID.sub("<id>", path)
    return re.sub(r"/\d+(?=/|$|\?)", "/<n>", path)


class Audit:
    def __init__(self, test_name: str):
        self.test_name = test_name
        self.reports: list[dict] = []
        self.urls: list[str] = []

    def attach(self, context) -> None:
        context.add_init_script(script=VENDOR.read_text(encoding="utf-8") + "\n" + HOOK)
        context.expose_binding("__a11yReport", lambda source, report: self.reports.append(dict(report, width="desktop")))
        context.on("page", self.watch)

    def watch(self, page) -> None:
        def seen(frame):
            if frame == page.main_frame and frame.url.startswith("http") and frame.url not in self.urls:
                self.urls.append(frame.url)
        page.on("framenavigated", seen)

    def finish(self, context) -> list[str]:
        """Revisit every page at 390 px; return the problems found (empty when clean)."""
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        for url in list(self.urls):
            try:
                phone.goto(url, wait_until="load")
                report = phone.evaluate("() => window.__axeDone")
            except Exception as error:  # a page that cannot be opened again (a download, a closed server)
                report = {"url": url, "error": f"{type(error).__name__}"}
            if report:
                self.reports.append(dict(report, width="phone"))
        phone.close()
        self.write()
        return self.problems()

    def problems(self) -> list[str]:
        found = []
        for report in self.reports:
            name = f"{page_name(report.get('url', ''))} ({report['width']})"
            for v in report.get("violations", []):
                if v["impact"] in FAILING:
                    found.append(f"{name}: axe {v['impact']} {v['id']} ×{v['count']}: {v['help']} {v['targets']} {v.get('why', '')}")
            if report["width"] == "phone" and not report.get("skipped") and report.get("scrollWidth", 0) > PHONE["width"]:
                found.append(f"{name}: scrolls sideways at {PHONE['width']} px (the page is {report['scrollWidth']} px wide)")
        return sorted(set(found))

    def counts(self) -> dict:
        """{page: {impact: violations (rules × nodes)}} over both widths, the larger of the two."""
        pages: dict[str, Counter] = {}
        for report in self.reports:
            if "violations" not in report:
                continue
            seen = Counter()
            for v in report["violations"]:
                seen[v["impact"]] += v["count"]
            name = page_name(report["url"])
            pages.setdefault(name, Counter())
            for impact, n in seen.items():
                pages[name][impact] = max(pages[name][impact], n)
            if report["width"] == "phone" and report.get("scrollWidth", 0) > PHONE["width"]:
                pages[name]["sideways"] = report["scrollWidth"]
        return {name: dict(c) for name, c in sorted(pages.items())}

    def write(self) -> None:
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{self.test_name}.json").write_text(json.dumps({"pages": self.counts(), "reports": self.reports}, indent=1))


def report_only() -> bool:
    return os.environ.get("A11Y_REPORT_ONLY") == "1"
