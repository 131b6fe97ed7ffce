#!/usr/bin/python3
"""Opens every HTML page of an executed series (out/ of the main job) in headless Chromium, as a reader would from
a file:// URL with no network, and checks that nothing is broken: every Plotly chart drew (its div holds plotly's
SVG), every image decoded, and no page script threw.

Usage: check_record.py [OUT]        (default: out/ of this checkout; needs Debian's chromium: apt-get install chromium)
Prints one line per page (charts drawn / charts, images decoded / images, script errors) and exits 1 if any page has
a chart that did not draw, an image that did not decode or a script error.
"""
import html.parser
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

# Appended to a copy of each page: after the charts had their time, it writes what it found into the DOM.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
window.addEventListener('load', function () { setTimeout(function () {
  var charts = document.querySelectorAll('div.phosphene-plotly');
  var drawn = Array.prototype.filter.call(charts, function (d) { return d.querySelector('svg.main-svg'); }).length;
  var images = document.querySelectorAll('img');
  var decoded = Array.prototype.filter.call(images, function (i) { return i.complete && i.naturalWidth > 0; }).length;
  var report = document.createElement('pre');
  report.id = 'record-check';
  report.textContent = JSON.stringify({charts: charts.length, drawn: drawn, images: images.length, decoded: decoded,
                                       errors: window.__errors});
  document.body.appendChild(report);
}, 4000); });
</script>"""


class _Report(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "pre" and ("id", "record-check") in attrs

    def handle_data(self, data):
        if self.inside:
            self.text += data


def check(page, browser, work):
    copy = work / page.name
    # The probe goes first in <head>, so errors thrown by the page's own scripts are caught too.
    text = page.read_text(encoding="utf-8")
    copy.write_text(re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + PROBE, text, count=1) if "<head" in text
                    else PROBE + text, encoding="utf-8")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000",
                          "--window-size=1300,1000", "--dump-dom", copy.as_uri()],
                         capture_output=True, text=True, timeout=300).stdout
    parser = _Report()
    parser.feed(dom)
    if not parser.text:
        return {"charts": 0, "drawn": 0, "images": 0, "decoded": 0, "errors": ["the page never finished loading"]}
    return json.loads(parser.text)


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent / "out")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("check_record.py needs Chromium: apt-get install chromium", file=sys.stderr)
        return 2
    pages = sorted(p for p in out.glob("*.html") if p.name != "index.html")
    if not pages:
        print(f"no executed notebooks (*.html) in {out}", file=sys.stderr)
        return 2
    broken = 0
    with tempfile.TemporaryDirectory(prefix="phosphene-record-check-") as work:
        for page in pages:
            result = check(page, browser, pathlib.Path(work))
            bad = result["drawn"] < result["charts"] or result["decoded"] < result["images"] or result["errors"]
            broken += bool(bad)
            print(f"{page.name:<40} charts {result['drawn']}/{result['charts']}  images {result['decoded']}/{result['images']}"
                  f"  script errors {len(result['errors'])}" + (f": {'; '.join(result['errors'][:3])}" if result["errors"] else ""))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
