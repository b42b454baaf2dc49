"""Proof under load and faults, on loopback: several gunicorn workers, bursts of
concurrent submissions of the largest seed form, workers killed mid-write.

Every acknowledged submission (its last POST answered with the result page's address)
must be stored exactly once, for each store. Sizes are bounded so the suite stays
short; ``FORMKIT_LOAD_SUBMISSIONS`` raises them (e.g. 2000).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ROOT, form_of, make_app, page_input
from formkit.storage import SUBMITTED, open_store

SUBMISSIONS = 400
THREADS = 16
FORM = "workplan"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pages_of(tmp_path):
    """Each page's sample input, in order (from the form itself)."""
    app = make_app(tmp_path / "schema", FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"))
    form = form_of(app, FORM)
    return [page_input(section) for section in form.sections]


def submit_once(base: str, pages: list[dict], retries: int = 8) -> str | None:
    """Fill and submit the form like a browser; retry a step whose connection broke
    (the same page, key and session: a retry must never duplicate). Returns the result
    page's address once the submission is acknowledged."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def attempt(call):
        # Responses are closed at once, as browsers do: gunicorn waits for the client to
        # close a connection before its worker takes the next one.
        for _ in range(retries):
            try:
                return call()
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code in (301, 302, 303):
                    return exc
                time.sleep(0.2)
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                    TimeoutError, OSError):
                # a worker killed while answering: a refused, reset or truncated reply
                time.sleep(0.2)
        return None

    def read(url: str) -> str:
        with opener.open(url, timeout=30) as response:
            return response.read().decode()

    page = attempt(lambda: read(f"{base}/f/{FORM}/"))
    if page is None:
        return None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    key = re.search(r'name="_key" value="([^"]+)"', page).group(1)
    for index, data in enumerate(pages):
        action = "submit" if index == len(pages) - 1 else "next"
        body = urllib.parse.urlencode({**data, "csrf_token": token, "_key": key,
                                       "_action": action}, doseq=True).encode()
        answer = attempt(lambda body=body, index=index: _closed(opener.open(
            f"{base}/f/{FORM}/page/{index}", body, timeout=30)))
        if not isinstance(answer, urllib.error.HTTPError):
            return None  # not redirected: not acknowledged
        location = answer.headers.get("Location", "")
        if action == "submit":
            return location if "/done/" in location else None
    return None


def _closed(response):
    response.read()
    response.close()
    return response


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in out.stdout.split()]


def stored_submissions(url: str) -> list:
    store = open_store(url)
    try:
        return list(store.iter_responses(FORM, SUBMITTED))
    finally:
        store.close()


def store_url_for(kind: str, tmp_path, pg_url):
    return str(tmp_path / "live-instance" / "data") if kind == "tinydb" else pg_url


@pytest.fixture(params=["tinydb", "postgresql"])
def kind(request):
    return request.param


@pytest.fixture
def pg_url_or_none(kind, request):
    return request.getfixturevalue("pg_url") if kind == "postgresql" else None


def test_burst_of_concurrent_submissions_is_stored_exactly_once(
        tmp_path, live_server, kind, pg_url_or_none):
    url = store_url_for(kind, tmp_path, pg_url_or_none)
    server = live_server(workers=4, FORMKIT_STORE=url)
    pages = pages_of(tmp_path)
    with ThreadPoolExecutor(THREADS) as pool:
        acknowledged = [a for a in pool.map(lambda _n: submit_once(server.url, pages),
                                            range(SUBMISSIONS)) if a]
    assert len(acknowledged) == SUBMISSIONS
    stored = stored_submissions(url)
    assert len(stored) == SUBMISSIONS
    assert len({r.id for r in stored}) == len({r.key for r in stored}) == SUBMISSIONS
    assert len(set(acknowledged)) == SUBMISSIONS


def test_workers_killed_mid_write_lose_no_acknowledged_submission(
        tmp_path, live_server, kind, pg_url_or_none):
    url = store_url_for(kind, tmp_path, pg_url_or_none)
    server = live_server(workers=4, FORMKIT_STORE=url)
    pages = pages_of(tmp_path)
    kills = []
    stop = threading.Event()

    def killer():
        rng = random.Random(7)
        while len(kills) < 25 and not stop.is_set():
            time.sleep(rng.uniform(0.05, 0.25))
            pids = worker_pids(server.process.pid)
            if pids:
                victim = rng.choice(pids)
                try:
                    os.kill(victim, signal.SIGKILL)
                    kills.append(victim)
                except ProcessLookupError:
                    pass

    thread = threading.Thread(target=killer)
    thread.start()
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _n: submit_once(server.url, pages), range(SUBMISSIONS)))
    stop.set()
    thread.join()
    assert len(kills) >= 10, "the test meant to kill workers while they wrote"
    acknowledged = {re.sub(r"\?.*", "", a) for a in results if a}
    # Every acknowledged submission is stored, submitted, once; the store reads fine.
    stored = stored_submissions(url)
    assert len({r.key for r in stored}) == len(stored)
    assert len(stored) >= len(acknowledged)
    # Acknowledgements name signed result pages: each must open on the recovered server.
    for location in acknowledged:
        with urllib.request.urlopen(server.url + location, timeout=30) as page:
            assert page.status == 200
    if kind == "tinydb":
        for path in (tmp_path / "live-instance" / "data").rglob("*.json"):
            json.loads(path.read_text())
    # the server recovered: new workers answer
    assert urllib.request.urlopen(server.url + "/healthz", timeout=10).status == 200
    assert submit_once(server.url, pages) is not None
