"""Starting points for form and plugin authors: ``formkit new-form`` and
``formkit new-plugin`` copy these templates, filling in names."""

from __future__ import annotations

from pathlib import Path
from string import Template

from formkit.schema import ID_PATTERN, as_identifier

HERE = Path(__file__).parent


class ScaffoldError(Exception):
    """The name or the destination cannot be used; the message says why and what to do."""


def identifier(name: str) -> str:
    """A form or plugin id from what a person typed: ``Intake-2025`` → ``intake_2025``."""
    ident = as_identifier(name)
    if not ID_PATTERN.match(ident):
        raise ScaffoldError(f"{name!r} cannot be an id: use letters, digits and _ and start "
                            "with a letter, e.g. volunteer_intake")
    return ident


def humanize(ident: str) -> str:
    return ident.replace("_", " ").capitalize()


def fill(template: Path, **values: str) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def new_form(name: str, forms_dir: Path, title_en: str = "", title_fr: str = "") -> Path:
    """Write ``forms_dir/<id>.yaml``, a bilingual form with every built-in field type."""
    form_id = identifier(name)
    path = Path(forms_dir) / f"{form_id}.yaml"
    if path.exists():
        raise ScaffoldError(f"{path} already exists; choose another name or edit that file")
    path.parent.mkdir(parents=True, exist_ok=True)
    title_en = title_en or humanize(form_id)
    path.write_text(fill(HERE / "form.yaml", form_id=form_id, path=path, title_en=title_en,
                         title_fr=title_fr or title_en), encoding="utf-8")
    return path


def new_plugin(name: str, destination: Path, title_en: str = "", title_fr: str = "") -> Path:
    """Write an installable plugin package ``destination/formkit-<name>/``: pyproject with
    the ``formkit`` entry point, the hooks, a form, a French catalog, its own tests."""
    ident = identifier(name)
    package, dist = f"formkit_{ident}", f"formkit-{ident.replace('_', '-')}"
    root = Path(destination) / dist
    if root.exists():
        raise ScaffoldError(f"{root} already exists; choose another name or folder")
    title_en = title_en or humanize(ident)
    values = {"name": ident, "package": package, "dist": dist, "title_en": title_en,
              "title_fr": title_fr or title_en}
    template_root = HERE / "plugin"
    for template in sorted(template_root.rglob("*.tmpl")):
        relative = str(template.relative_to(template_root).with_suffix(""))
        target = root / relative.replace("PACKAGE", package).replace("NAME", ident)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(fill(template, **values), encoding="utf-8")
    return root
