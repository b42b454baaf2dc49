"""XLSForm (ODK, KoboToolbox) import and export: ``formkit import-xlsform`` and
``formkit export-xlsform``."""

from formkit.xlsform.exporter import export_xlsform
from formkit.xlsform.importer import XLSFormError, import_xlsform

__all__ = ["XLSFormError", "export_xlsform", "import_xlsform"]
