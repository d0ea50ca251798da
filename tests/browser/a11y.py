"""Every page the browser suite visits is checked by axe-core, at a phone's width, and for English
left on a page rendered in Swedish.

`Audit.attach(context)` injects the vendored axe-core (tests/browser/vendor/axe-core) into every
document of a browser context: each page runs axe once it has loaded and reports its violations
back. At the end of a test, `Audit.finish(context)` opens every page the test saw again at 390 px
wide (same session), runs axe there too, and measures whether the page scrolls sideways.

A critical or serious violation, a page wider than the phone, or an English word (ENGLISH) on a
page in Swedish fails the test (the `page`
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
HOOK = r"""
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
      if ((document.documentElement.lang || '').startsWith('sv')) {  // what a Swedish reader reads, for untranslated()
        const body = document.body.cloneNode(true);
        body.querySelectorAll('[lang]:not([lang^="sv"]), script, style, template, [translate="no"]').forEach(el => el.remove());
        const attrs = [...document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')].filter(el => !el.closest('[lang]:not([lang^="sv"])'))
          .map(el => [el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('title'), el.getAttribute('alt')].filter(Boolean).join(' '));
        report.text = [document.title, document.body.innerText, body.textContent.replace(/\s+/g, ' '), ...attrs].join('\n').slice(0, 200000);
      }
      report.scrollWidth = document.documentElement.scrollWidth;
      if (report.scrollWidth > window.innerWidth) {  // name the widest culprits, innermost first
        const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
          && ![...el.children].some(ch => ch.getBoundingClientRect().right > window.innerWidth + 1));
        report.wide = wide.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''));
      }
      report.innerWidth = window.innerWidth;
      if (window.__a11yReport) { try { window.__a11yReport(report); } catch (e) {} }
      resolve(report);
    }, 0));
  });
})();
"""

# Words that are English and not Swedish (so "status", "filter", "order", "is" are not here): one of
# them on a page rendered in Swedish is a string nobody marked for translation, or one without its
# Swedish text. Brand names and data (shop names, e-mail addresses) are not words of this list.
ENGLISH = set(
    """
the and of to was with from your you this that has have will been when which there what for by or
on at its orders settings retry retrying error errors customer customers save cancel step outcome detail none true
false yes please select choose click enter password username search month invoice payment delivery shipping
waiting done paused draft fetch reconcile write_back rows quantity price name key account manager shop
shop's order's merchant merchants package packages billing overview change changes changed received
""".split()
)
# Pages that are not the product's: the simulator stands in for the outside world, in English.
NOT_OURS = ("/sim/", "/backoffice/")
# Specter's own field names, quoted as its settings page shows them ("MD5 Key 1"),
# and Starweb's webhook event names ("order-status-changed"): names, not words of ours to translate.
SPECTERS_NAMES = re.compile(r"\bMD5 Key \d\b|\b(?:order|product|customer)(?:-[a-z]+)+\b")
WORD = re.compile(r"[^\W\d_][\w']*")  # whole words: "oförändrade" is not "of", "md5key" not "key"


def untranslated(text: str) -> list[str]:
    """English words in `text` with a little of what surrounds each (first few only)."""
    found, seen = [], set()
    text = SPECTERS_NAMES.sub(lambda m: m.group(0).replace(" ", "").replace("-", ""), text)  # one word: "MD5Key1"
    for match in WORD.finditer(text):
        word = match.group(0).lower()
        if word in ENGLISH and word not in seen:
            seen.add(word)
            start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
            found.append(f"{match.group(0)!r} in “{' '.join(text[start:end].split())}”")
    return found


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
        context.expose_binding("__a11yReport", lambda source, report: self.reports.append(self.labelled(report)))
        context.on("page", self.watch)

    @staticmethod
    def labelled(report: dict) -> dict:
        return dict(report, width="phone" if report.get("innerWidth", 0) <= PHONE["width"] else "desktop")

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
            if report and not any(r.get("url") == report.get("url") and r["width"] == "phone" for r in self.reports):
                self.reports.append(dict(self.labelled(report), width="phone"))
        phone.close()
        self.write()
        return self.problems()

    def problems(self) -> list[str]:
        found = []
        for report in self.reports:
            name = f"{page_name(report.get('url', ''))} ({report['width']})"
            for v in report.get("violations", []):
                if v["impact"] in FAILING:
                    found.append(
                        f"{name}: axe {v['impact']} {v['id']} ×{v['count']}: {v['help']} {v['targets']} {v.get('why', '')}"
                    )
            if report.get("text") and not any(part in report.get("url", "") for part in NOT_OURS):
                words = untranslated(report["text"])
                if words:
                    found.append(f"{name}: not in Swedish: " + "; ".join(sorted(set(words))[:8]))
            if (
                report["width"] == "phone"
                and not report.get("skipped")
                and report.get("scrollWidth", 0) > PHONE["width"]
            ):
                found.append(
                    f"{name}: scrolls sideways at {PHONE['width']} px (the page is {report['scrollWidth']} px wide: {', '.join(report.get('wide', []))})"
                )
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
        reports = [{k: v for k, v in r.items() if k != "text"} for r in self.reports]
        (REPORTS / f"{self.test_name}.json").write_text(
            json.dumps({"pages": self.counts(), "problems": self.problems(), "reports": reports}, indent=1)
        )


def report_only() -> bool:
    return os.environ.get("A11Y_REPORT_ONLY") == "1"
