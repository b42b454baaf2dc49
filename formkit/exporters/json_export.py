"""JSON: the stored records (codes, ISO 8601 UTC timestamps), streamed as one array."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from formkit.exporters import Exporter, ExportJob
from formkit.storage import Response

#: what a stored record holds that is nobody's business outside the store.
PRIVATE = ("key", "resume_hash", "browser", "pending", "page")


class JsonExporter(Exporter):
    key = "json"
    label = "JSON"
    mimetype = "application/json"
    cost_per_response = 0.0001

    def write(self, job: ExportJob) -> Iterator[str]:
        return json_lines(job.responses)


def json_lines(responses: Iterable[Response]) -> Iterator[str]:
    """A JSON array of the stored records (codes, not labels), streamed."""
    yield "[\n"
    first = True
    for response in responses:
        record = response.to_dict()
        for private in PRIVATE:
            record.pop(private, None)
        yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"
