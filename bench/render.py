"""How long the server takes to render each seed form's largest page.

In process, through the WSGI test client (CSRF on, as served): a draft is made with the
first page's sample input, then the form's largest page (most fields) is fetched
``--repeat`` times after 5 warm-up requests, in English and in French. Median CPU
ms of this process (client and server), so other work on a busy machine does not count.
``--profile`` prints where the time of the Competency page goes (cProfile).

Usage: python bench/render.py [--repeat 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT  # noqa: E402

from formkit import create_app  # noqa: E402
from formkit.testing import page_input  # noqa: E402

FORMS = ("membership", "wellbeing", "workplan", "evaluation", "competency")


def draft_client(app, form):
    """A client whose draft has every page but the last answered (so any page opens);
    the URL of the form's largest page (most HTML) and its number."""
    client = app.test_client()
    url = client.get(f"/f/{form.id}/").request.path
    sizes: dict[str, int] = {}
    while True:
        page = client.get(url)
        text = page.get_data(as_text=True)
        sizes[url] = len(text)
        if 'value="submit"' in text or url.endswith("/check"):
            break  # the last page (or the check-your-answers page after it)
        index = int(url.rsplit("/", 1)[1]) if "/page/" in url else 0
        hidden = dict(re.findall(r'name="(csrf_token|_key)" value="([^"]+)"', text))
        response = client.post(f"/f/{form.id}/page/{index}",
                               data={**page_input(form.sections[index]), **hidden,
                                     "_action": "next"})
        assert response.status_code == 302, (form.id, index, response.status_code)
        url = response.headers["Location"]
    sizes = {u: n for u, n in sizes.items() if "/page/" in u or u.endswith(f"/{form.id}/")}
    largest = max(sizes, key=sizes.get)
    index = int(largest.rsplit("/", 1)[1]) if "/page/" in largest else 0
    return client, f"/f/{form.id}/page/{index}", index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                          # every request comes from one address
                          "DRAFTS_PER_ADDRESS": (10**6, 3600),
                          "FORM_POSTS_PER_ADDRESS": (10**6, 60)})
        registry = app.extensions["formkit"].registry
        print(f"\n{args.repeat} requests each, median CPU ms of this process\n")
        print("| form | page | fields | en | fr |")
        print("|---|---:|---:|---:|---:|")
        for form_id in FORMS:
            form = registry.forms[form_id]
            times = {}
            for lang in ("en", "fr"):
                client, url, index = draft_client(app, form)
                client.get(f"{url}?lang={lang}")
                for _ in range(5):
                    assert client.get(url).status_code == 200, (form_id, url)
                samples = []
                for _ in range(args.repeat):
                    started = time.process_time()
                    response = client.get(url)
                    samples.append(time.process_time() - started)
                    assert response.status_code == 200, (form_id, url, response.status_code)
                times[lang] = statistics.median(samples) * 1000
            print(f"| {form_id} | {index + 1} | {len(form.sections[index].fields)} "
                  f"| {times['en']:.1f} | {times['fr']:.1f} |")
        if args.profile:
            client, url, _index = draft_client(app, registry.forms["competency"])
            client.get(url)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(50):
                client.get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
