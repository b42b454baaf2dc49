"""CSV: one row per response, streamed; UTF-8 with a byte-order mark so Excel on
Windows shows accents. Text a spreadsheet would run as a formula is neutralized."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from formkit.exporters import Exporter, ExportJob
from formkit.exporters.cells import neutralize
from formkit.exporters.columns import export_columns
from formkit.formatting import or_empty

BOM = "\ufeff"
#: rows per chunk sent to the browser: fewer, larger writes than one per row.
CHUNK_ROWS = 200


class CsvExporter(Exporter):
    key = "csv"
    label = "CSV"
    mimetype = "text/csv; charset=utf-8"
    codes = True
    cost_per_response = 0.0002

    def write(self, job: ExportJob) -> Iterator[str]:
        columns = export_columns(job.form, job.columns, job.labels, job.locale)
        texts = [c.text for c in columns]
        empty = or_empty if job.labels else (lambda text: text)
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def flush() -> str:
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        writer.writerow([neutralize(c.header) for c in columns])
        yield BOM + flush()
        pending = 0
        for response in job.responses:
            writer.writerow([neutralize(empty(text(response))) for text in texts])
            pending += 1
            if pending == CHUNK_ROWS:
                yield flush()
                pending = 0
        yield flush()
