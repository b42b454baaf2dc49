"""XLSForm (ODK, KoboToolbox) import and export: ``formkit import-xlsform`` and
``formkit export-xlsform``.

- ``sheets``: reading a workbook as pyxform reads it (used range, header and type
  spellings);
- ``expressions``: ``relevant`` ↔ ``show_if``;
- ``report``: what an import could not carry over, grouped when repeated;
- ``importer`` / ``exporter``: the two directions.

It imports ``formkit.schema`` and ``formkit.conditions``, never the web app.
"""

from formkit.xlsform.exporter import export_xlsform
from formkit.xlsform.importer import XLSFormError, import_xlsform

__all__ = ["XLSFormError", "export_xlsform", "import_xlsform"]
