"""What each form page weighs on the wire, and how soon a slow phone paints it.

1. Every page of every seed form through the WSGI test client, as a browser asking for
   ``br, gzip`` gets it: requests, HTML size raw and as sent, and a first visit as sent
   (HTML plus every stylesheet and script it loads).
2. Each seed form's largest page opened in Chromium (``/usr/bin/chromium``, Playwright)
   from a real ``formkit serve`` on loopback, first visit (empty cache, no cookie but the
   draft's), under Chrome DevTools' "Slow 3G" conditions as issue 14 states them (2 s
   round trip, 50 KB/s each way) and 4x CPU slowdown: bytes received (compressed, as
   counted by the browser), requests, and time to first contentful paint. Then a later
   page of the same visit (stylesheet cached).

Usage: python bench/page_weight.py [--no-browser]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from server import FORMS, hidden, serve  # noqa: E402
from submit import ROOT  # noqa: E402

from formkit import create_app  # noqa: E402
from formkit.testing import page_input  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50 * 1024,
           "uploadThroughput": 50 * 1024}
ENCODINGS = {"Accept-Encoding": "br, gzip"}
VERBOSE = "-v" in sys.argv
ASSETS = re.compile(r'(?:href|src)="(/assets/[^"]+)"')


def walk(get, post, form_id: str, inputs: list[dict]):
    """(page URL, HTML) of every page of a form up to the last one (not submitted);
    ``get(url) -> (html, final url)`` and ``post(url, data) -> location``."""
    text, _url = get(f"/f/{form_id}/")
    while True:
        index = int(re.search(r'action="/f/\w+/page/(\d+)"', text).group(1))
        yield f"/f/{form_id}/page/{index}", text
        if 'value="submit"' in text:
            return
        location = post(f"/f/{form_id}/page/{index}",
                        {**inputs[index], **hidden(text), "_action": "next"})
        if urllib.parse.urlsplit(location).path.endswith("/check"):
            return  # the check-your-answers page: not a page of the form
        text, _url = get(urllib.parse.urlsplit(location).path)


def test_client_table(app, inputs) -> None:
    print("\nEvery page through the test client, sent as br (KB)\n")
    print("| form | page | requests | HTML raw | HTML sent | first visit sent |")
    print("|---|---:|---:|---:|---:|---:|")
    for form_id in FORMS:
        client = app.test_client()

        def get(url, client=client):
            response = client.get(url, follow_redirects=True)
            return response.get_data(as_text=True), response.request.path

        def post(url, data, client=client):
            return client.post(url, data=data).headers["Location"]

        for url, html in walk(get, post, form_id, inputs[form_id]):
            sent = len(client.get(url, headers=ENCODINGS).data)
            assets = ASSETS.findall(html)
            first = sent + sum(len(client.get(a, headers=ENCODINGS).data) for a in assets)
            print(f"| {form_id} | {int(url.rsplit('/', 1)[1]) + 1} | {1 + len(assets)} "
                  f"| {len(html.encode()) / 1024:.1f} | {sent / 1024:.1f} | {first / 1024:.1f} |")


def browser_table(base: str, inputs) -> None:
    from playwright.sync_api import sync_playwright

    print("\nLargest page of each form in Chromium, Slow 3G (2 s RTT, 50 KB/s) and 4x CPU\n")
    print("| form | page | first visit: KB received | requests | first paint s "
          "| later page: KB | requests | first paint s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        for form_id in FORMS:
            context = browser.new_context()
            api = context.request

            def get(url, api=api):
                response = api.get(base + url)
                return response.text(), urllib.parse.urlsplit(response.url).path

            def post(url, data, api=api):
                response = api.post(base + url, max_redirects=0,
                                    data=urllib.parse.urlencode(data, doseq=True),
                                    headers={"Content-Type":
                                             "application/x-www-form-urlencoded"})
                return response.headers["location"]

            pages = {url: len(re.sub(r"<style>.*?</style>", "", text, flags=re.S))
                     for url, text in walk(get, post, form_id, inputs[form_id])}
            largest = max(pages, key=pages.get)
            later = next(url for url in pages if url != largest)
            # a first visit: only the draft's cookies, nothing cached
            keep = [c for c in context.cookies() if c["name"] == "session"]
            context.clear_cookies()
            context.add_cookies(keep)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            # requests that went on the wire: not data: URLs, not served from a cache
            seen: dict = {"bytes": {}, "requests": set(), "cached": set()}

            def received(event, seen=seen):
                response = event["response"]
                if response["url"].startswith("http") and not (
                        response.get("fromDiskCache") or response.get("fromPrefetchCache")):
                    seen["requests"].add(event["requestId"])
                    if VERBOSE:
                        print(response["url"], file=sys.stderr)

            cdp.on("Network.responseReceived", received)
            cdp.on("Network.requestServedFromCache",
                   lambda event, seen=seen: seen["cached"].add(event["requestId"]))
            cdp.on("Network.loadingFinished", lambda event, seen=seen: seen["bytes"].__setitem__(
                event["requestId"], event["encodedDataLength"]))
            figures = []
            for url in (largest, later):
                seen.update(bytes={}, requests=set(), cached=set())
                page.goto(base + url, wait_until="load")
                page.wait_for_timeout(2500)  # late requests (favicon) count too
                paint = page.evaluate("performance.getEntriesByName("
                                      "'first-contentful-paint')[0].startTime")
                wire = seen["requests"] - seen["cached"]
                sent = sum(seen["bytes"].get(r, 0) for r in wire)
                figures.append((sent / 1024, len(wire), paint / 1000))
            (kb, requests, paint), (kb2, requests2, paint2) = figures
            number = int(largest.rsplit("/", 1)[1]) + 1
            print(f"| {form_id} | {number} | {kb:.1f} | {requests} | {paint:.2f} "
                  f"| {kb2:.1f} | {requests2} | {paint2:.2f} |")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("-v", action="store_true", help="print each URL the browser loads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                          # every request comes from one address
                          "DRAFTS_PER_ADDRESS": (10**6, 3600),
                          "FORM_POSTS_PER_ADDRESS": (10**6, 60),
                          "WTF_CSRF_ENABLED": False})
        registry = app.extensions["formkit"].registry
        inputs = {f: [page_input(s) for s in registry.forms[f].sections] for f in FORMS}
        test_client_table(app, inputs)
        app.extensions["formkit"].store.close()
        if args.no_browser:
            return
        process, base = serve(tmp, workers=2)
        try:
            browser_table(base, inputs)
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
