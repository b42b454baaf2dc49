"""Where a plugin's messages are, and how they are read out of its code and templates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract
from jinja2 import Environment, nodes

#: the functions whose string arguments are messages: a plugin calls them on its
#: catalog (``t.gettext``, ``t.ngettext``, ``t.lazy_gettext``) in Python and templates.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "gettext": (1,), "ngettext": (1, 2), "lazy_gettext": (1,), "_": (1,), "N_": (1,)}
TEMPLATE_SUFFIXES = (".html", ".txt")
#: folders never searched for a plugin's catalogs or sources
SKIPPED = {".venv", "venv", ".git", "build", "dist", "node_modules", "__pycache__",
           "site-packages", ".tox"}


@dataclass(frozen=True)
class PluginCatalog:
    """One translation domain of a plugin: its ``locales`` folder and its sources."""

    locales: Path
    domain: str

    def po(self, language: str) -> Path:
        return self.locales / language / "LC_MESSAGES" / f"{self.domain}.po"

    def languages(self) -> list[str]:
        return sorted(p.parent.parent.name
                      for p in self.locales.glob(f"*/LC_MESSAGES/{self.domain}.po"))

    def sources(self) -> list[Path]:
        """A package's every module and template; for a single-file plugin
        (``plugins/<domain>.py`` beside ``plugins/locales``), that file and its
        ``templates/<domain>/`` and ``templates/email/<domain>/``."""
        home = self.locales.parent
        if (home / "__init__.py").is_file():
            found = [p for p in home.rglob("*")
                     if p.suffix in (".py", *TEMPLATE_SUFFIXES) and not _skipped(p, home)]
        else:
            found = [home / f"{self.domain}.py"]
            for folder in (home / "templates" / self.domain,
                           home / "templates" / "email" / self.domain):
                found += [p for p in folder.rglob("*") if p.suffix in TEMPLATE_SUFFIXES]
        return sorted(p for p in found if p.is_file())


def _skipped(path: Path, root: Path) -> bool:
    return any(part in SKIPPED for part in path.relative_to(root).parts)


def find_catalogs(path: str | Path) -> list[PluginCatalog]:
    """Every plugin domain under ``path`` (a plugin project, package or plugins folder):
    each ``locales/<lang>/LC_MESSAGES/<domain>.po`` outside virtualenvs and builds."""
    root = Path(path).resolve()
    found = set()
    for po in root.rglob("locales/*/LC_MESSAGES/*.po"):
        if not _skipped(po, root) and "scaffold" not in po.relative_to(root).parts:
            found.add(PluginCatalog(po.parent.parent.parent, po.stem))
    return sorted(found, key=lambda c: (str(c.locales), c.domain))


def extract_template(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """A Babel extractor for Jinja templates that sees ``t.gettext("…")`` (any object's
    method named like a keyword) as well as ``gettext("…")`` and ``{% trans %}``."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    environment = Environment(extensions=["jinja2.ext.i18n"])
    for call in environment.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name):
            name = call.node.name
        elif isinstance(call.node, nodes.Getattr):
            name = call.node.attr
        else:
            continue
        if name not in keywords:
            continue
        # the positional arguments, a string or None; Babel's extract() then keeps
        # those the keyword's spec names (and skips a call whose message is no string)
        yield call.lineno, name, tuple(
            arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str)
            else None for arg in call.args), []


def extract_file(path: Path) -> Iterator[tuple[int, str | tuple[str, ...]]]:
    """``(line, message)`` of each message in a Python file or a template. Babel's
    ``extract`` applies each keyword's spec: only a call's message arguments count, not
    a string among its placeholders' values (``x=", ".join(names)``)."""
    method = "python" if path.suffix == ".py" else extract_template
    with path.open("rb") as handle:
        for line, message, _comments, _context in extract(method, handle, KEYWORDS):
            if message:
                yield line, message


def source_messages(catalog: PluginCatalog) -> dict[str | tuple[str, ...], list[tuple[Path, int]]]:
    """Each message of the domain's sources, with where it is used."""
    found: dict = {}
    for path in catalog.sources():
        for line, message in extract_file(path):
            found.setdefault(message, []).append((path, line))
    return found
