"""What each form page weighs on the wire: HTML + stylesheet + script, raw and gzipped.

Usage: python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT  # noqa: E402

from formkit import create_app  # noqa: E402
from formkit.testing import page_input  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})
        registry = app.extensions["formkit"].registry
        print("| form | page | requests | raw KB | gzip KB | first visit raw KB |")
        print("|---|---:|---:|---:|---:|---:|")
        for form_id in ("membership", "wellbeing", "workplan", "evaluation", "competency"):
            form = registry.forms[form_id]
            client = app.test_client()
            client.get(f"/f/{form_id}/?lang=fr")
            for index, section in enumerate(form.sections):
                html = client.get(f"/f/{form_id}/page/{index}").data
                assets = [client.get(u.decode()).data for u in
                          re.findall(rb'(?:href|src)="(/assets/[^"]+)"', html)]
                raw = len(html) / 1024
                first = (len(html) + sum(map(len, assets))) / 1024
                zipped = (len(gzip.compress(html)) + sum(len(gzip.compress(a))
                                                           for a in assets)) / 1024
                print(f"| {form_id} | {index + 1} | {1 + len(assets)} | {raw:.1f} "
                      f"| {zipped:.1f} | {first:.1f} |")
                client.post(f"/f/{form_id}/page/{index}",
                            data={**page_input(section), "_action": "next"})


if __name__ == "__main__":
    main()
