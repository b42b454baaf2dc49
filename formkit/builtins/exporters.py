"""The built-in export formats, contributed through the same hook a plugin would use."""

from formkit import hookimpl
from formkit.exporters.csv_export import CsvExporter
from formkit.exporters.json_export import JsonExporter
from formkit.exporters.pdf_export import PdfExporter
from formkit.exporters.xlsx_export import XlsxExporter


@hookimpl
def formkit_register_exporters():
    return [CsvExporter, XlsxExporter, JsonExporter, PdfExporter]
