"""The translation workflow of plugins: find a plugin's catalogs and sources, extract its
messages (Python and templates, including ``t.gettext(...)`` calls in templates), update
its ``.po`` files, and list what a page would show untranslated.

``formkit i18n extract|update|check [PATH]`` (:mod:`formkit.translating.cli`) and
:meth:`formkit.api.Catalog.missing` use it. Babel reads and writes the files; what is
ours is the template extractor (Jinja's own sees ``gettext(...)`` but not
``t.gettext(...)``) and where a plugin's sources are. It imports Babel and Jinja only,
no other formkit module, so the catalog and the command line both use it.
"""

from formkit.translating.extract import (
    KEYWORDS,
    PluginCatalog,
    extract_template,
    find_catalogs,
    source_messages,
)
from formkit.translating.workflow import missing, template_catalog, update

__all__ = ["KEYWORDS", "PluginCatalog", "extract_template", "find_catalogs", "missing",
           "source_messages", "template_catalog", "update"]
